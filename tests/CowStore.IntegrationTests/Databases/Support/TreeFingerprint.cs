using System.Security.Cryptography;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// Everything about a directory tree a write could change: per entry its type, mode, owner, size,
/// mtime, symlink target and the SHA-256 of its content. Two equal fingerprints mean the base was
/// not touched, byte for byte.
/// </summary>
internal sealed class TreeFingerprint
{
    private readonly SortedDictionary<string, string> _entries;

    private TreeFingerprint(SortedDictionary<string, string> entries) => _entries = entries;

    public int Count => _entries.Count;

    public static TreeFingerprint Of(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["."] = Describe(root) };
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", options))
        {
            entries[Path.GetRelativePath(root, path)] = Describe(path);
        }
        return new TreeFingerprint(entries);
    }

    /// <summary>Up to <paramref name="max"/> lines naming what differs, empty when identical.</summary>
    public List<string> Differences(TreeFingerprint other, int max = 20)
    {
        var lines = new List<string>();
        foreach (string path in _entries.Keys.Union(other._entries.Keys).Order(StringComparer.Ordinal))
        {
            _entries.TryGetValue(path, out string? mine);
            other._entries.TryGetValue(path, out string? theirs);
            if (mine != theirs)
            {
                lines.Add($"{path}: {mine ?? "(absent)"} -> {theirs ?? "(absent)"}");
                if (lines.Count == max)
                {
                    break;
                }
            }
        }
        return lines;
    }

    /// <summary>Fails the test, naming the first differences, unless <paramref name="root"/> still matches this fingerprint.</summary>
    public void AssertUnchanged(string root, string when)
    {
        List<string> changes = Differences(Of(root));
        if (changes.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{root} changed {when}:\n{string.Join('\n', changes)}");
        }
    }

    private static string Describe(string path)
    {
        StatBuffer st = Sys.LStat(path);
        string common = $"mode={Convert.ToString(st.Mode, 8)} uid={st.Uid} gid={st.Gid} size={st.Size} mtime={st.Mtime.Seconds}.{st.Mtime.Nanoseconds:D9}";
        return st.FileType switch
        {
            PosixConstants.S_IFREG => $"{common} sha256={HashFile(path)}",
            PosixConstants.S_IFLNK => $"{common} -> {Sys.ReadLink(path)}",
            _ => common,
        };
    }

    private static string HashFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
