using System.Text;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Shared plumbing, always called with _ns held: nodes, records, listings, commits, attributes.
public sealed partial class CowFileSystem
{
    // The kernel may keep names and attributes for an hour: the base never changes, and every change to the
    // view is a request through this mount, after which the kernel drops or refreshes what it changed
    // (the entries and attributes of the directories and inodes involved, sizes and times after writes).
    // The 1 s it used to be cost a LOOKUP or GETATTR per name and second in steady state (walks, unlinks).
    private const ulong EntryTimeoutSeconds = 3600;
    private const ulong AttrTimeoutSeconds = 3600;

    /// <summary>Node id of an inode: the inode number, except that the root is node 1 (and inode 1, if any, takes the root's number).</summary>
    private ulong NodeIdOf(ulong ino) => ino == _rootIno ? IFuseFileSystem.RootNodeId : ino == IFuseFileSystem.RootNodeId ? _rootIno : ino;

    private bool TryGetNode(ulong nodeId, out CowNode node)
    {
        if (_nodes.TryGetValue(nodeId, out CowNode? found))
        {
            node = found;
            return true;
        }
        node = null!;
        return false;
    }

    private string? OriginOf(CowNode node) => _state.Inodes.TryGetValue(node.Ino, out InodeRecord? record) ? record.Origin : node.Origin;

    private void AddLookup(ulong ino, string? origin)
    {
        ulong nodeId = NodeIdOf(ino);
        if (_nodes.TryGetValue(nodeId, out CowNode? node))
        {
            node.Lookups++;
        }
        else
        {
            _nodes[nodeId] = new CowNode(ino, origin) { Lookups = 1 };
        }
    }

    /// <summary>Journals <paramref name="ops"/> as one frame, then applies them; 0 or -errno (nothing applied).</summary>
    private int Commit(List<JournalOp> ops)
    {
        if (_closed)
        {
            return -Errno.EIO;
        }
        int rc = _journal.Append(JournalCodec.Encode(ops));
        if (rc != 0)
        {
            return rc;
        }
        foreach (JournalOp op in ops)
        {
            _state.Apply(op);
            if (op is PutInodeOp put && _data.TryGetValue(put.Record.Ino, out FileData? data))
            {
                // Open handles reach the inode through its data: a record created by any op (a write, a
                // chmod, the last name going away) becomes theirs at once.
                data.Record = _state.Inodes[put.Record.Ino];
            }
        }
        MaybeCheckpoint();
        return 0;
    }

    private void MaybeCheckpoint()
    {
        if (_journal.Length < _nextCheckpointBytes)
        {
            return;
        }
        try
        {
            // The checkpoint is fsynced before it replaces the journal, so unsynced frames become durable too.
            MetadataJournal fresh = MetadataJournal.WriteCheckpoint(_deltaDirectory, _rootIno, _state);
            _journal.Dispose();
            _journal = fresh;
            // A large state must not make every commit rewrite it: wait until the journal doubles.
            _nextCheckpointBytes = Math.Max(RuntimeCheckpointThreshold, fresh.Length * 2);
        }
        catch (IOException)
        {
            // The journal itself is intact and keeps growing: compaction is retried later, nothing is lost.
            _nextCheckpointBytes = _journal.Length + (RuntimeCheckpointThreshold / 4);
        }
    }

    /// <summary>Journals the times of records that writes changed in memory; 0 or -errno.</summary>
    private int JournalDirtyTimes(IEnumerable<InodeRecord> records)
    {
        List<JournalOp>? ops = null;
        foreach (InodeRecord record in records)
        {
            if (record.TimesDirty)
            {
                (ops ??= []).Add(new PutInodeOp(record.Clone()));
            }
        }
        if (ops is null)
        {
            return 0;
        }
        int rc = Commit(ops);
        if (rc == 0)
        {
            foreach (PutInodeOp op in ops.Cast<PutInodeOp>())
            {
                _state.Inodes[op.Record.Ino].TimesDirty = false;
            }
        }
        return rc;
    }

    /// <summary>The record of an inode, creating it from the base (metadata only, no data) on first change.</summary>
    private int EnsureRecord(ulong ino, string? origin, out InodeRecord record)
    {
        if (_state.Inodes.TryGetValue(ino, out InodeRecord? existing))
        {
            record = existing;
            return 0;
        }
        record = null!;
        int rc = ReadBaseRecord(ino, origin, out InodeRecord created);
        if (rc != 0)
        {
            return rc;
        }
        rc = Commit([new PutInodeOp(created)]);
        if (rc != 0)
        {
            return rc;
        }
        record = _state.Inodes[ino];
        return 0;
    }

    /// <summary>The record a base inode would get on its first change, built from the base (nothing is committed).</summary>
    private int ReadBaseRecord(ulong ino, string? origin, out InodeRecord created)
    {
        created = null!;
        if (origin is null)
        {
            return -Errno.ENOENT;
        }
        int rc = _base.Lstat(origin, out Stat stat);
        if (rc != 0)
        {
            return rc;
        }
        uint type = stat.Mode & S_IFMT;
        created = new InodeRecord
        {
            Ino = ino,
            Mode = PresentMode(stat.Mode, origin),
            Uid = _options.PreserveOwnership ? stat.Uid : _options.OwnerUid,
            Gid = _options.PreserveOwnership ? stat.Gid : _options.OwnerGid,
            // Base paths are distinct inodes in the view (see BaseTree), so a file starts with one link.
            Nlink = type == S_IFDIR ? (uint)stat.Nlink : 1,
            Rdev = stat.Rdev,
            AtimeSec = stat.Atime.Sec,
            AtimeNsec = (uint)stat.Atime.Nsec,
            MtimeSec = stat.Mtime.Sec,
            MtimeNsec = (uint)stat.Mtime.Nsec,
            CtimeSec = stat.Ctime.Sec,
            CtimeNsec = (uint)stat.Ctime.Nsec,
            Origin = origin,
            BaseSize = type == S_IFREG ? stat.Size : 0,
            Xattrs = _base.ReadXattrs(origin, type),
        };
        if (type == S_IFLNK)
        {
            rc = _base.ReadLink(origin, out byte[] target);
            if (rc != 0)
            {
                return rc;
            }
            created.SymlinkTarget = target;
        }
        return 0;
    }

    /// <summary>
    /// Base objects appear writable by their owner (as a copy would be) unless ownership is preserved; objects a
    /// committed snapshot changed keep the mode they were committed with (a chmod the user made stays).
    /// </summary>
    private uint PresentMode(uint mode, string origin) =>
        _options.PreserveOwnership || !_base.IsBaseObject(origin) ? mode : mode | S_IWUSR;

    /// <summary>
    /// The full listing of a directory in the delta, copying a base directory's listing on its first change
    /// (names and inode numbers only: metadata, no data).
    /// </summary>
    private int EnsureMaterialized(ulong ino, string? origin, out Dictionary<string, DirEntry> listing)
    {
        if (_state.Directories.TryGetValue(ino, out Dictionary<string, DirEntry>? existing))
        {
            listing = existing;
            return 0;
        }
        listing = null!;
        int rc = EnsureRecord(ino, origin, out InodeRecord record);
        if (rc != 0)
        {
            return rc;
        }
        if (!record.IsDirectory || record.Origin is null)
        {
            return -Errno.ENOTDIR;
        }
        rc = ReadBaseListing(record.Origin, out Dictionary<string, DirEntry> entries);
        if (rc != 0)
        {
            return rc;
        }
        rc = Commit([new PutDirectoryOp(ino, entries)]);
        if (rc != 0)
        {
            return rc;
        }
        listing = _state.Directories[ino];
        return 0;
    }

    private int ReadBaseListing(string origin, out Dictionary<string, DirEntry> entries)
    {
        entries = new Dictionary<string, DirEntry>(StringComparer.Ordinal);
        List<string> names = _base.List(origin, out int rc);
        if (rc != 0)
        {
            return rc;
        }
        foreach (string name in names)
        {
            string child = BaseTree.Child(origin, name);
            rc = _base.Lstat(child, out Stat stat);
            if (rc != 0)
            {
                return rc;
            }
            entries[name] = new DirEntry(BaseTree.InoOf(stat, child), stat.Mode & S_IFMT, child);
        }
        return 0;
    }

    /// <summary>Finds <paramref name="name"/> in a directory of the view; 0, -ENOENT or another -errno.</summary>
    private int FindEntry(ulong dirIno, string? dirOrigin, string name, out DirEntry entry)
    {
        entry = default;
        if (_state.Directories.TryGetValue(dirIno, out Dictionary<string, DirEntry>? listing))
        {
            return listing.TryGetValue(name, out entry) ? 0 : -Errno.ENOENT;
        }
        if (_state.Inodes.TryGetValue(dirIno, out InodeRecord? record))
        {
            if (!record.IsDirectory)
            {
                return -Errno.ENOTDIR;
            }
            dirOrigin = record.Origin;
        }
        if (dirOrigin is null)
        {
            return -Errno.ENOENT;
        }
        string child = BaseTree.Child(dirOrigin, name);
        int rc = _base.Lstat(child, out Stat stat);
        if (rc != 0)
        {
            return rc == -Errno.ENOTDIR ? -Errno.ENOTDIR : rc;
        }
        entry = new DirEntry(BaseTree.InoOf(stat, child), stat.Mode & S_IFMT, child);
        return 0;
    }

    private int ListEntries(ulong dirIno, string? dirOrigin, out IReadOnlyDictionary<string, DirEntry> entries)
    {
        if (_state.Directories.TryGetValue(dirIno, out Dictionary<string, DirEntry>? listing))
        {
            entries = listing;
            return 0;
        }
        string? origin = _state.Inodes.TryGetValue(dirIno, out InodeRecord? record) ? record.Origin : dirOrigin;
        if (origin is null)
        {
            entries = new Dictionary<string, DirEntry>();
            return -Errno.ENOENT;
        }
        int rc = ReadBaseListing(origin, out Dictionary<string, DirEntry> read);
        entries = read;
        return rc;
    }

    private bool IsEmptyDirectory(in DirEntry entry)
    {
        if (_state.Directories.TryGetValue(entry.Ino, out Dictionary<string, DirEntry>? listing))
        {
            return listing.Count == 0;
        }
        string? origin = _state.Inodes.TryGetValue(entry.Ino, out InodeRecord? record) ? record.Origin : entry.Origin;
        // A base directory that cannot be listed is not known to be empty.
        return origin is null || (_base.List(origin, out int rc).Count == 0 && rc == 0);
    }

    /// <summary>Attributes of an inode as the view presents them; 0 or -errno.</summary>
    private int StatInode(ulong ino, string? origin, ref FuseAttr attr)
    {
        if (_state.Inodes.TryGetValue(ino, out InodeRecord? record))
        {
            return StatRecord(record, ref attr);
        }
        if (origin is null)
        {
            return -Errno.ENOENT;
        }
        int rc = _base.Lstat(origin, out Stat stat);
        if (rc != 0)
        {
            return rc;
        }
        attr.Ino = ino;
        attr.Size = (ulong)stat.Size;
        attr.Blocks = (ulong)stat.Blocks;
        attr.Atime = (ulong)stat.Atime.Sec;
        attr.AtimeNsec = (uint)stat.Atime.Nsec;
        attr.Mtime = (ulong)stat.Mtime.Sec;
        attr.MtimeNsec = (uint)stat.Mtime.Nsec;
        attr.Ctime = (ulong)stat.Ctime.Sec;
        attr.CtimeNsec = (uint)stat.Ctime.Nsec;
        attr.Mode = PresentMode(stat.Mode, origin);
        attr.Nlink = (stat.Mode & S_IFMT) == S_IFDIR ? (uint)stat.Nlink : 1;
        attr.Uid = _options.PreserveOwnership ? stat.Uid : _options.OwnerUid;
        attr.Gid = _options.PreserveOwnership ? stat.Gid : _options.OwnerGid;
        attr.Rdev = (uint)stat.Rdev;
        attr.BlkSize = BlockFile.BlockSize;
        attr.Flags = 0;
        return 0;
    }

    private int StatRecord(InodeRecord record, ref FuseAttr attr)
    {
        long size;
        if (record.IsRegular)
        {
            int rc = GetData(record.Ino, record.Origin, out FileData data);
            if (rc != 0)
            {
                return rc;
            }
            size = data.Blocks.Size;
        }
        else if (record.SymlinkTarget is not null)
        {
            size = record.SymlinkTarget.Length;
        }
        else
        {
            // A directory removed by rmdir while open shows size 0 (ext4); one renamed over keeps its size.
            size = record.IsDirectory && !(record.Nlink == 0 && _rmdirWhileOpen.Contains(record.Ino)) ? BlockFile.BlockSize : 0;
        }
        attr.Ino = record.Ino;
        attr.Size = (ulong)size;
        attr.Blocks = (ulong)((size + 511) / 512);
        attr.Atime = (ulong)record.AtimeSec;
        attr.AtimeNsec = record.AtimeNsec;
        attr.Mtime = (ulong)record.MtimeSec;
        attr.MtimeNsec = record.MtimeNsec;
        attr.Ctime = (ulong)record.CtimeSec;
        attr.CtimeNsec = record.CtimeNsec;
        attr.Mode = record.Mode;
        attr.Nlink = record.IsDirectory ? DirectoryLinkCount(record) : record.Nlink;
        attr.Uid = record.Uid;
        attr.Gid = record.Gid;
        attr.Rdev = (uint)record.Rdev;
        attr.BlkSize = BlockFile.BlockSize;
        attr.Flags = 0;
        return 0;
    }

    private uint DirectoryLinkCount(InodeRecord record)
    {
        // nlink 0 is a removed directory that is still open (DropLink); it has no listing any more.
        if (record.Nlink == 0 || !_state.Directories.ContainsKey(record.Ino))
        {
            return record.Nlink;
        }
        return 2 + _state.SubdirectoriesOf(record.Ino);
    }

    private void FillEntry(ref FuseEntryOut entry, ulong ino)
    {
        entry.NodeId = NodeIdOf(ino);
        entry.Generation = 0;
        entry.EntryValid = EntryTimeoutSeconds;
        entry.EntryValidNsec = 0;
        entry.AttrValid = AttrTimeoutSeconds;
        entry.AttrValidNsec = 0;
    }

    /// <summary>The contents of a regular-file inode, opening its BlockFile on first use; 0 or -errno.</summary>
    /// <param name="created">The inode was just created: it has no delta files yet.</param>
    private int GetData(ulong ino, string? origin, out FileData data, bool created = false)
    {
        if (_data.TryGetValue(ino, out FileData? existing))
        {
            data = existing;
            return 0;
        }
        data = null!;
        _state.Inodes.TryGetValue(ino, out InodeRecord? record);
        IBlockSource? content = null;
        long baseSize = 0;
        string? from = record is not null ? record.Origin : origin;
        if (from is not null)
        {
            if (record is not null)
            {
                baseSize = record.BaseSize;
            }
            else
            {
                int rc = _base.Lstat(from, out Stat stat);
                if (rc != 0)
                {
                    return rc;
                }
                baseSize = stat.Size;
            }
            int opened = _base.OpenContent(from, out content);
            if (opened != 0)
            {
                return opened;
            }
        }
        string prefix = DataPrefix(ino);
        try
        {
            // Delta files exist only for inodes with a record (Open sweeps the others): a base file read
            // without ever being written, or a file just created, has none to look for.
            BlockFile blocks = !created && record is not null && BlockFile.Exists(prefix)
                ? BlockFile.OpenOver(prefix, content, baseSize)
                : BlockFile.CreateOver(prefix, content, baseSize);
            data = new FileData(ino, from, blocks, record);
        }
        catch (IOException e)
        {
            return ErrnoOf(e);
        }
        catch (InvalidDataException)
        {
            return -Errno.EIO;
        }
        catch (ArgumentException)
        {
            content?.Dispose();
            return -Errno.EIO;
        }
        _data[ino] = data;
        return 0;
    }

    /// <summary>Closes and deletes the data of an inode whose last link and last handle are gone.</summary>
    private void DeleteData(ulong ino)
    {
        bool mayHaveFiles = true;
        if (_data.Remove(ino, out FileData? data))
        {
            // A file that was never written has no delta files: skip the three unlinks (unlink-heavy workloads).
            mayHaveFiles = data.Blocks.HasDeltaFiles;
            data.Blocks.Dispose();
        }
        if (!mayHaveFiles)
        {
            return;
        }
        try
        {
            // The journal already says the inode is gone and Open sweeps unreferenced data: no directory fsync here.
            BlockFile.Delete(DataPrefix(ino), durable: false);
        }
        catch (IOException)
        {
            // The journal already says the inode is gone; Open sweeps unreferenced data, so this only delays reclaiming space.
        }
    }

    private static int ErrnoOf(IOException e) => e.HResult is > 0 and < 4096 ? -e.HResult : -Errno.EIO;

    private static int DecodeName(ReadOnlySpan<byte> name, out string decoded)
    {
        decoded = "";
        if (name.Length > NameMax)
        {
            return -Errno.ENAMETOOLONG;
        }
        if (name.Length == 0 || name.Contains((byte)'/') || name.Contains((byte)0))
        {
            return -Errno.EINVAL;
        }
        decoded = Encoding.UTF8.GetString(name);
        return 0;
    }
}
