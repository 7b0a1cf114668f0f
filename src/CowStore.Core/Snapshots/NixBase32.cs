namespace CowStore.Core.Snapshots;

/// <summary>
/// Nix's base32 rendering of a digest (as <c>nix-hash --to-base32</c> prints it): the alphabet omits e, o, u, t
/// and the bits are read from the last byte down, so a SHA-256 becomes 52 characters that match Nix's own tools.
/// </summary>
public static class NixBase32
{
    public const string Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

    /// <summary>Characters needed for <paramref name="byteCount"/> bytes (52 for 32).</summary>
    public static int EncodedLength(int byteCount) => byteCount == 0 ? 0 : (byteCount * 8 - 1) / 5 + 1;

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        int length = EncodedLength(bytes.Length);
        return string.Create(length, bytes.ToArray(), static (chars, data) =>
        {
            int length = chars.Length;
            // Character k (from the left) holds bits [5n, 5n+5) with n = length-1-k, counted from the first byte's LSB.
            for (int n = length - 1; n >= 0; n--)
            {
                int bit = n * 5;
                int i = bit / 8;
                int j = bit % 8;
                int c = data[i] >> j;
                if (i + 1 < data.Length)
                {
                    c |= data[i + 1] << (8 - j);
                }
                chars[length - 1 - n] = Alphabet[c & 0x1f];
            }
        });
    }

    /// <summary>Decodes into <paramref name="destination"/> (its length is the digest size); false for a wrong length, a foreign character or set bits past the end.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != EncodedLength(destination.Length))
        {
            return false;
        }
        destination.Clear();
        for (int n = 0; n < text.Length; n++)
        {
            int digit = Alphabet.IndexOf(text[text.Length - 1 - n], StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }
            int bit = n * 5;
            int i = bit / 8;
            int j = bit % 8;
            destination[i] |= (byte)(digit << j);
            int carry = digit >> (8 - j);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] |= (byte)carry;
            }
            else if (carry != 0)
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsAlphabet(char c) => c is >= '0' and <= '9' || (c is >= 'a' and <= 'z' && c is not ('e' or 'o' or 'u' or 't'));
}
