using System.Text;

namespace CowStore.Core.Snapshots;

public sealed partial class SnapshotStore
{
    public const int MaxTagLength = 100;

    /// <summary>1 to 100 of [A-Za-z0-9._-], not starting with '.' or '-' (so no hidden files, no option look-alikes).</summary>
    public static bool IsValidTagName(string name) =>
        name.Length is >= 1 and <= MaxTagLength && name[0] is not ('.' or '-')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Points tag <paramref name="name"/> at the snapshot or base <paramref name="id"/> (moving it if it exists).</summary>
    /// <exception cref="ArgumentException">Invalid tag name, or <paramref name="id"/> is not in the store.</exception>
    public void SetTag(string name, string id)
    {
        RequireTagName(name);
        using IDisposable held = AcquireLock(DefaultLockTimeout);
        if (Find(id) is null)
        {
            throw new ArgumentException($"no snapshot or base {id} in the store", nameof(id));
        }
        DurableFiles.WriteAllBytes(TagPath(name), Encoding.ASCII.GetBytes(id + "\n"), TmpDirectory);
    }

    /// <summary>Removes a tag; false if there was none.</summary>
    public bool DeleteTag(string name)
    {
        RequireTagName(name);
        using IDisposable held = AcquireLock(DefaultLockTimeout);
        if (!File.Exists(TagPath(name)))
        {
            return false;
        }
        File.Delete(TagPath(name));
        DurableFiles.SyncDirectory(TagsDirectory);
        return true;
    }

    /// <summary>The id a tag points at, or null when there is no such tag.</summary>
    /// <exception cref="InvalidDataException">The tag file does not hold an id.</exception>
    public string? ReadTag(string name)
    {
        RequireTagName(name);
        string path = TagPath(name);
        if (!File.Exists(path))
        {
            return null;
        }
        string id = File.ReadAllText(path).TrimEnd('\n');
        return SnapshotId.IsValid(id) ? id : throw new InvalidDataException($"{path}: not an id");
    }

    /// <summary>Every tag and the id it points at, by name.</summary>
    public IReadOnlyDictionary<string, string> ListTags()
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(TagsDirectory))
        {
            string name = Path.GetFileName(path);
            if (IsValidTagName(name) && ReadTag(name) is { } id)
            {
                tags[name] = id;
            }
        }
        return tags;
    }

    private string TagPath(string name) => Path.Combine(TagsDirectory, name);

    private static void RequireTagName(string name)
    {
        if (!IsValidTagName(name))
        {
            throw new ArgumentException($"invalid tag name \"{name}\": use 1-{MaxTagLength} of A-Z a-z 0-9 . _ -, not starting with . or -", nameof(name));
        }
    }
}
