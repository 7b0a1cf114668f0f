using CowStore.Core.Cow;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Snapshots;

/// <summary>
/// A snapshot's tree: the external base directory with the manifest on top. A path in the manifest is its
/// entry (a whiteout hides it); any other path reads from the base unless an ancestor hides it (a whiteout,
/// an opaque directory or a non-directory entry). The manifest is cumulative, so this is one dictionary
/// lookup deep whatever the snapshot's lineage.
/// </summary>
internal sealed class LayeredLower : ILowerTree
{
    private readonly BaseTree _external;
    private readonly LowerSnapshot _snapshot;
    private readonly Dictionary<string, ManifestEntry> _entries;
    private readonly Dictionary<string, ManifestEntry>.AlternateLookup<ReadOnlySpan<char>> _entriesBySpan;
    private readonly Dictionary<string, Stat> _stats = new(StringComparer.Ordinal);
    // Manifest entries per parent directory (names), for listings.
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);
    // True when some entry hides base paths below it; most snapshots only change files, and then no ancestor walk is needed.
    private readonly bool _hidesBase;

    public LayeredLower(BaseTree external, LowerSnapshot snapshot)
    {
        _external = external;
        _snapshot = snapshot;
        _entries = new Dictionary<string, ManifestEntry>(snapshot.Manifest.Entries, StringComparer.Ordinal);
        _entriesBySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (ManifestEntry entry in _entries.Values)
        {
            _hidesBase |= entry.Kind != EntryKind.Directory || entry.Opaque;
            if (entry.Kind != EntryKind.Whiteout)
            {
                _stats[entry.Path] = StatOf(entry);
            }
            if (entry.Path.Length == 0)
            {
                continue;
            }
            int slash = entry.Path.LastIndexOf('/');
            string parent = slash < 0 ? "" : entry.Path[..slash];
            if (!_children.TryGetValue(parent, out List<string>? names))
            {
                _children[parent] = names = [];
            }
            names.Add(entry.Path[(slash + 1)..]);
        }
    }

    public int Lstat(string path, out Stat stat)
    {
        switch (Resolve(path, out _))
        {
            case Source.Hidden:
                stat = default;
                return -Errno.ENOENT;
            case Source.Base:
                return _external.Lstat(path, out stat);
        }
        stat = _stats[path];
        return 0;
    }

    public List<string> List(string path, out int error)
    {
        Source source = Resolve(path, out ManifestEntry? entry);
        if (source == Source.Hidden)
        {
            error = -Errno.ENOENT;
            return [];
        }
        if (entry is not null && entry.Kind != EntryKind.Directory)
        {
            error = -Errno.ENOTDIR;
            return [];
        }
        List<string> names;
        if (entry is { Opaque: true })
        {
            names = [];
            error = 0;
        }
        else
        {
            names = _external.List(path, out error);
            if (error == -Errno.ENOENT && entry is not null)
            {
                error = 0; // a merged directory whose base directory is gone lists its own entries
            }
            if (error != 0)
            {
                return names;
            }
        }
        if (_children.TryGetValue(path, out List<string>? own))
        {
            var seen = new HashSet<string>(names, StringComparer.Ordinal);
            foreach (string name in own)
            {
                ManifestEntry child = _entries[BaseTree.Child(path, name)];
                if (child.Kind == EntryKind.Whiteout)
                {
                    if (seen.Remove(name))
                    {
                        names.Remove(name);
                    }
                }
                else if (seen.Add(name))
                {
                    names.Add(name);
                }
            }
        }
        return names;
    }

    public int ReadLink(string path, out byte[] target)
    {
        switch (Resolve(path, out ManifestEntry? entry))
        {
            case Source.Hidden:
                target = [];
                return -Errno.ENOENT;
            case Source.Base:
                return _external.ReadLink(path, out target);
        }
        if (entry!.Kind != EntryKind.Symlink || entry.SymlinkTarget is null)
        {
            target = [];
            return -Errno.EINVAL;
        }
        target = entry.SymlinkTarget;
        return 0;
    }

    public Dictionary<string, byte[]> ReadXattrs(string path, uint type)
    {
        return Resolve(path, out ManifestEntry? entry) switch
        {
            Source.Hidden => new Dictionary<string, byte[]>(StringComparer.Ordinal),
            Source.Base => _external.ReadXattrs(path, type),
            _ => new Dictionary<string, byte[]>(entry!.Xattrs, StringComparer.Ordinal),
        };
    }

    public bool IsBaseObject(string path) => Resolve(path, out _) != Source.Manifest;

    public int OpenContent(string path, out IBlockSource? content)
    {
        content = null;
        switch (Resolve(path, out ManifestEntry? entry))
        {
            case Source.Hidden:
                return -Errno.ENOENT;
            case Source.Base:
                return _external.OpenContent(path, out content);
        }
        if (entry!.Kind != EntryKind.File)
        {
            return -Errno.EISDIR;
        }
        // Unchanged content (only times or owners differ): the base file itself, without run lookups.
        if (entry.Runs is [{ Kind: RunKind.Base } only] && only.BasePath == path)
        {
            return _external.OpenContent(path, out content);
        }
        content = new ManifestContent(entry, _external, _snapshot);
        return 0;
    }

    private enum Source
    {
        Base,
        Manifest,
        Hidden,
    }

    private Source Resolve(string path, out ManifestEntry? entry)
    {
        if (_entries.TryGetValue(path, out entry))
        {
            if (entry.Kind == EntryKind.Whiteout)
            {
                entry = null;
                return Source.Hidden;
            }
            return Source.Manifest;
        }
        if (_hidesBase)
        {
            ReadOnlySpan<char> ancestor = path;
            while (ancestor.Length > 0)
            {
                int slash = ancestor.LastIndexOf('/');
                ancestor = slash < 0 ? [] : ancestor[..slash];
                if (_entriesBySpan.TryGetValue(ancestor, out ManifestEntry? above) && (above.Kind != EntryKind.Directory || above.Opaque))
                {
                    return Source.Hidden;
                }
            }
        }
        return Source.Base;
    }

    /// <summary>What lstat shows for a manifest entry (computed once: getattr is a hot path).</summary>
    private static Stat StatOf(ManifestEntry entry)
    {
        var stat = default(Stat);
        stat.Ino = BaseTree.PathHashIno(entry.Path);
        stat.Mode = entry.Mode;
        stat.Uid = entry.Uid;
        stat.Gid = entry.Gid;
        stat.Rdev = entry.Rdev;
        stat.Nlink = 1; // directories too: "unknown", as btrfs reports (tools then do not infer subdirectory counts)
        stat.Size = entry.Kind switch
        {
            EntryKind.File => entry.Size,
            EntryKind.Symlink => entry.SymlinkTarget?.Length ?? 0,
            EntryKind.Directory => BlockFile.BlockSize,
            _ => 0,
        };
        stat.BlkSize = BlockFile.BlockSize;
        stat.Blocks = entry.Kind == EntryKind.File ? StoredBlocks(entry) * (BlockFile.BlockSize / 512) : 0;
        stat.Atime = new TimeSpec { Sec = entry.AtimeSec, Nsec = entry.AtimeNsec };
        stat.Mtime = new TimeSpec { Sec = entry.MtimeSec, Nsec = entry.MtimeNsec };
        stat.Ctime = new TimeSpec { Sec = entry.CtimeSec, Nsec = entry.CtimeNsec };
        return stat;
    }

    private static long StoredBlocks(ManifestEntry entry)
    {
        long blocks = 0;
        foreach (ContentRun run in entry.Runs)
        {
            if (run.Kind != RunKind.Zero)
            {
                blocks += run.Count;
            }
        }
        return blocks;
    }
}
