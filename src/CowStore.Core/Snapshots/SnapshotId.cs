using System.Security.Cryptography;
using System.Text;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Ids of store objects (snapshots, bases, packs): a SHA-256 rendered in Nix base32, 52 characters.
/// Users may name an object by a unique prefix of at least <see cref="MinPrefixLength"/> characters.
/// </summary>
public static class SnapshotId
{
    public const int Length = 52;
    public const int MinPrefixLength = 4;

    public static string FromDigest(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("an id is rendered from a 32-byte SHA-256", nameof(sha256));
        }
        return NixBase32.Encode(sha256);
    }

    /// <summary>The id of SHA-256(<paramref name="text"/> as UTF-8).</summary>
    public static string OfText(string text) => FromDigest(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>52 characters of the Nix base32 alphabet that decode to 32 bytes.</summary>
    public static bool IsValid(string? id) => id is { Length: Length } && NixBase32.TryDecode(id, stackalloc byte[SHA256.HashSizeInBytes]);

    /// <summary>Could <paramref name="prefix"/> abbreviate an id: 4 to 52 characters of the alphabet.</summary>
    public static bool IsValidPrefix(string prefix) =>
        prefix.Length is >= MinPrefixLength and <= Length && prefix.All(NixBase32.IsAlphabet);

    public static bool MatchesPrefix(string id, string prefix) =>
        IsValidPrefix(prefix) && id.StartsWith(prefix, StringComparison.Ordinal);
}
