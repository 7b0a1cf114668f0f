using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CowStore.Store.Sessions;

/// <summary>Session names: safe as a directory name and a mount option value; generated from the base when not given.</summary>
public static partial class SessionNames
{
    public const int MaxLength = 64;
    private const int PrefixLength = 40;
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>True for 1-64 characters of <c>[A-Za-z0-9._-]</c> that do not start with a dot or dash.</summary>
    public static bool IsValid(string name) => name.Length <= MaxLength && ValidName().IsMatch(name);

    /// <summary>
    /// <c>&lt;name-of-base&gt;-&lt;6 random base32 chars&gt;</c>; a Nix store hash prefix is dropped
    /// (<c>/nix/store/abc…-neo4j-db</c> gives <c>neo4j-db-k3j9qa</c>).
    /// </summary>
    public static string Generate(string basePath)
    {
        string leaf = Path.GetFileName(Path.TrimEndingDirectorySeparator(basePath));
        Match nix = NixStoreName().Match(leaf);
        if (nix.Success)
        {
            leaf = nix.Groups[1].Value;
        }
        var prefix = new StringBuilder();
        foreach (char c in leaf)
        {
            prefix.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }
        string cleaned = prefix.ToString().TrimStart('.', '-');
        if (cleaned.Length > PrefixLength)
        {
            cleaned = cleaned[..PrefixLength];
        }
        if (cleaned.Length == 0)
        {
            cleaned = "session";
        }
        return $"{cleaned}-{RandomSuffix()}";
    }

    private static string RandomSuffix()
    {
        Span<char> chars = stackalloc char[6];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32Alphabet[RandomNumberGenerator.GetInt32(Base32Alphabet.Length)];
        }
        return new string(chars);
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[0-9a-df-np-sv-z]{32}-(.+)$")]
    private static partial Regex NixStoreName();
}
