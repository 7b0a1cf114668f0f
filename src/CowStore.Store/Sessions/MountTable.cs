using System.Text;

namespace CowStore.Store.Sessions;

/// <summary>The kernel's list of mounts, read from /proc/self/mountinfo (the actual state the catalog is reconciled with).</summary>
public sealed class MountTable
{
    private readonly IReadOnlyList<MountEntry> _entries;

    public MountTable(IReadOnlyList<MountEntry> entries) => _entries = entries;

    public IReadOnlyList<MountEntry> Entries => _entries;

    /// <summary>Reads the mount table of this process's mount namespace.</summary>
    public static MountTable Read() => Parse(File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>Parses mountinfo text (proc(5)): fields 5 (mount point), and after " - " type and source.</summary>
    public static MountTable Parse(string mountinfo)
    {
        var entries = new List<MountEntry>();
        foreach (string line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 6 || separator + 2 >= fields.Length)
            {
                throw new InvalidDataException($"unexpected line in mountinfo: {line}");
            }
            entries.Add(new MountEntry(Unescape(fields[4]), Unescape(fields[separator + 1]), Unescape(fields[separator + 2])));
        }
        return new MountTable(entries);
    }

    /// <summary>The topmost mount exactly at <paramref name="path"/> (an absolute, normalised path), or null.</summary>
    public MountEntry? FindAt(string path)
    {
        string normalised = Normalise(path);
        // Later lines are mounted on top of earlier ones at the same place.
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].MountPoint == normalised)
            {
                return _entries[i];
            }
        }
        return null;
    }

    /// <summary>The mount that contains <paramref name="path"/> (longest mount point prefix).</summary>
    public MountEntry? FindContaining(string path)
    {
        string normalised = Normalise(path);
        MountEntry? best = null;
        foreach (MountEntry entry in _entries)
        {
            bool contains = entry.MountPoint == "/" || normalised == entry.MountPoint
                || normalised.StartsWith(entry.MountPoint + "/", StringComparison.Ordinal);
            if (contains && (best is null || entry.MountPoint.Length >= best.MountPoint.Length))
            {
                best = entry;
            }
        }
        return best;
    }

    /// <summary>Decodes the kernel's octal escapes (<c>\040</c> space, <c>\011</c> tab, <c>\012</c> newline, <c>\134</c> backslash).</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int start) =>
        start + 2 < s.Length && s[start] is >= '0' and <= '3' && s[start + 1] is >= '0' and <= '7' && s[start + 2] is >= '0' and <= '7';

    private static string Normalise(string path)
    {
        string full = Path.GetFullPath(path);
        return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
    }
}
