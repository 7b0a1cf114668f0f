using System.Security.Cryptography;
using System.Text;

namespace CowStore.Store.Projects;

/// <summary>
/// Session names of project databases: <c>&lt;database&gt;.&lt;project tag&gt;</c>, where the tag is 12
/// base32 characters of the SHA-256 of the project directory's real path. The same project and database
/// always give the same name, so <c>cowstore up</c> finds its persistent session again after an unmount,
/// a crash or a reboot; two projects never share one. Moving the project directory changes the tag: its
/// old sessions then show as detached sessions of no project.
/// </summary>
public static class ProjectSessionNames
{
    private const int TagLength = 12;
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The longest database name: the session name must stay within 64 characters.</summary>
    public const int MaxDatabaseNameLength = 64 - TagLength - 1;

    public static string For(string projectRoot, string database) => $"{database}.{Tag(projectRoot)}";

    /// <summary>The tag of the project at <paramref name="projectRoot"/> (an absolute, symlink-free path).</summary>
    public static string Tag(string projectRoot)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(projectRoot));
        var tag = new StringBuilder(TagLength);
        // 5 bits per character, taken from the front of the hash.
        for (int bit = 0; tag.Length < TagLength; bit += 5)
        {
            int value = 0;
            for (int i = 0; i < 5; i++)
            {
                int b = bit + i;
                value = (value << 1) | ((hash[b / 8] >> (7 - (b % 8))) & 1);
            }
            tag.Append(Base32Alphabet[value]);
        }
        return tag.ToString();
    }

    /// <summary>The database name if <paramref name="sessionName"/> is a session of the project, else null.</summary>
    public static string? DatabaseOf(string sessionName, string projectRoot)
    {
        string suffix = "." + Tag(projectRoot);
        return sessionName.Length > suffix.Length && sessionName.EndsWith(suffix, StringComparison.Ordinal)
            ? sessionName[..^suffix.Length]
            : null;
    }
}
