using CowStore.Core.Cow;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Snapshots;

/// <summary>
/// A read-only view of a snapshot's tree (its external base with the manifest on top), of a registered base, or of
/// any directory, by path relative to the root ("" = the root, '/'-separated). What export, diff and info read
/// through, without mounting. Reads of stored blocks are verified: a damaged block is an <see cref="IOException"/>,
/// never wrong data.
/// </summary>
public sealed class SnapshotTree : IDisposable
{
    private readonly ILowerTree _tree;
    private readonly LowerSnapshot? _snapshot;

    private SnapshotTree(string baseDirectory, ILowerTree tree, LowerSnapshot? snapshot)
    {
        BaseDirectory = baseDirectory;
        _tree = tree;
        _snapshot = snapshot;
    }

    /// <summary>The external base directory (or the plain directory) the tree reads unchanged paths from.</summary>
    public string BaseDirectory { get; }

    /// <summary>The snapshot's manifest; null for a base or a plain directory.</summary>
    public Manifest? Manifest => _snapshot?.Manifest;

    /// <summary>Opens snapshot <paramref name="id"/> over its base directory.</summary>
    /// <exception cref="FileNotFoundException">No such snapshot, or a pack it needs is missing.</exception>
    /// <exception cref="InvalidDataException">Its manifest or a pack index is damaged.</exception>
    /// <exception cref="IOException">Its base directory is missing or changed.</exception>
    public static SnapshotTree OpenSnapshot(SnapshotStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        Manifest manifest = store.ReadManifest(id);
        string baseDirectory = UsableBase(store, manifest.BaseId);
        LowerSnapshot snapshot = LowerSnapshot.Open(id, manifest, store.PacksDirectory);
        var external = new BaseTree(baseDirectory);
        return new SnapshotTree(baseDirectory, snapshot.Over(external), snapshot);
    }

    /// <summary>Opens a registered base (its directory as it is).</summary>
    /// <exception cref="IOException">The base directory is missing or changed.</exception>
    public static SnapshotTree OpenBase(SnapshotStore store, string baseId)
    {
        ArgumentNullException.ThrowIfNull(store);
        return OpenDirectory(UsableBase(store, baseId));
    }

    /// <summary>Any directory, read as it is (e.g. a mounted session).</summary>
    public static SnapshotTree OpenDirectory(string directory)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{directory} is not a directory");
        }
        return new SnapshotTree(root, new BaseTree(root), null);
    }

    /// <summary>lstat of <paramref name="path"/>, or null when it does not exist.</summary>
    /// <exception cref="IOException">Any error but ENOENT.</exception>
    public SnapshotTreeEntry? Stat(string path)
    {
        int rc = _tree.Lstat(path, out Stat stat);
        if (rc == -Errno.ENOENT || rc == -Errno.ENOTDIR)
        {
            return null;
        }
        Check(rc, "stat", path);
        return new SnapshotTreeEntry(path, KindOf(stat.Mode), stat.Mode, stat.Uid, stat.Gid, stat.Rdev, stat.Size, stat.Blocks * 512,
            stat.Atime.Sec, (uint)stat.Atime.Nsec, stat.Mtime.Sec, (uint)stat.Mtime.Nsec);
    }

    /// <summary>Names in directory <paramref name="path"/>, in ordinal order.</summary>
    public IReadOnlyList<string> List(string path)
    {
        List<string> names = _tree.List(path, out int error);
        Check(error, "list", path);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public byte[] ReadLink(string path)
    {
        Check(_tree.ReadLink(path, out byte[] target), "readlink", path);
        return target;
    }

    /// <summary>Every extended attribute of <paramref name="entry"/> (none for symlinks), by name.</summary>
    public SortedDictionary<string, byte[]> ReadXattrs(SnapshotTreeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new SortedDictionary<string, byte[]>(_tree.ReadXattrs(entry.Path, entry.Mode & S_IFMT), StringComparer.Ordinal);
    }

    /// <summary>Opens a regular file's content.</summary>
    public SnapshotTreeFile OpenFile(SnapshotTreeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != SnapshotTreeKind.File)
        {
            throw new IOException($"{entry.Path} is not a regular file");
        }
        Check(_tree.OpenContent(entry.Path, out IBlockSource? content), "open", entry.Path);
        return new SnapshotTreeFile(entry.Path, entry.Size, content);
    }

    /// <summary>Every entry below <paramref name="path"/> (itself first), depth first, names in ordinal order.</summary>
    public IEnumerable<SnapshotTreeEntry> Walk(string path = "")
    {
        SnapshotTreeEntry? top = Stat(path);
        if (top is null)
        {
            yield break;
        }
        var pending = new Stack<SnapshotTreeEntry>();
        pending.Push(top);
        while (pending.Count > 0)
        {
            SnapshotTreeEntry entry = pending.Pop();
            yield return entry;
            if (entry.Kind != SnapshotTreeKind.Directory)
            {
                continue;
            }
            IReadOnlyList<string> names = List(entry.Path);
            for (int i = names.Count - 1; i >= 0; i--)
            {
                SnapshotTreeEntry? child = Stat(BaseTree.Child(entry.Path, names[i]));
                if (child is not null)
                {
                    pending.Push(child);
                }
            }
        }
    }

    public void Dispose() => _snapshot?.Dispose();

    private static string UsableBase(SnapshotStore store, string baseId)
    {
        BaseRecord record = store.ReadBase(baseId);
        return SnapshotStore.CheckBase(record) is string problem ? throw new IOException($"base {baseId}: {problem}") : record.Path;
    }

    private static SnapshotTreeKind KindOf(uint mode) => (mode & S_IFMT) switch
    {
        S_IFDIR => SnapshotTreeKind.Directory,
        S_IFREG => SnapshotTreeKind.File,
        S_IFLNK => SnapshotTreeKind.Symlink,
        _ => SnapshotTreeKind.Special,
    };

    internal static void Check(int rc, string operation, string path)
    {
        if (rc < 0)
        {
            throw BlockIo.ErrnoException(-rc, operation, path.Length == 0 ? "/" : path);
        }
    }
}
