using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Names: lookup, create nodes, link, unlink, rmdir, rename. Every change is one journal frame.
public sealed partial class CowFileSystem
{
    public int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ref FuseEntryOut entry)
    {
        int rc = DecodeName(name, out string decoded);
        if (rc != 0)
        {
            return rc;
        }
        lock (_ns)
        {
            if (!TryGetNode(parent, out CowNode dir))
            {
                return -Errno.ENOENT;
            }
            rc = FindEntry(dir.Ino, dir.Origin, decoded, out DirEntry found);
            if (rc != 0)
            {
                return rc;
            }
            rc = StatInode(found.Ino, found.Origin, ref entry.Attr);
            if (rc != 0)
            {
                return rc;
            }
            FillEntry(ref entry, found.Ino);
            AddLookup(found.Ino, found.Origin);
            return 0;
        }
    }

    public void Forget(ulong nodeId, ulong lookupCount)
    {
        lock (_ns)
        {
            if (nodeId == IFuseFileSystem.RootNodeId || !_nodes.TryGetValue(nodeId, out CowNode? node))
            {
                return;
            }
            node.Lookups = node.Lookups > lookupCount ? node.Lookups - lookupCount : 0;
            if (node.Lookups == 0)
            {
                _nodes.Remove(nodeId);
                CloseIdleData(node.Ino);
            }
        }
    }

    /// <summary>
    /// Closes the BlockFile of an inode the kernel forgot and nobody has open, so a large tree does not pin
    /// an fd per file. Modified data is synced first: Close could no longer reach it. If that fails the
    /// file stays open and Close reports the error.
    /// </summary>
    private void CloseIdleData(ulong ino)
    {
        if (!_data.TryGetValue(ino, out FileData? data) || data.OpenCount > 0)
        {
            return;
        }
        if (data.Blocks.IsModified && data.Blocks.Sync(dataOnly: false) != 0)
        {
            return;
        }
        _data.Remove(ino);
        data.Blocks.Dispose();
    }

    public int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, ref FuseEntryOut entry)
    {
        if (target.Length == 0 || target.Length >= 4096)
        {
            return target.Length == 0 ? -Errno.ENOENT : -Errno.ENAMETOOLONG;
        }
        byte[] targetBytes = target.ToArray();
        return CreateNode(request, parent, name, S_IFLNK | 0x1FF, 0, ref entry, r => r.SymlinkTarget = targetBytes);
    }

    public int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint rdev, uint umask, ref FuseEntryOut entry)
    {
        uint type = mode & S_IFMT;
        if (type == 0)
        {
            mode |= S_IFREG;
        }
        else if (type is not (S_IFREG or S_IFIFO or S_IFSOCK or S_IFCHR or S_IFBLK))
        {
            return -Errno.EINVAL;
        }
        return CreateNode(request, parent, name, mode, rdev, ref entry, null);
    }

    public int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint umask, ref FuseEntryOut entry) =>
        CreateNode(request, parent, name, S_IFDIR | (mode & 0xFFF), 0, ref entry, null);

    public int Link(in FuseRequest request, ulong nodeId, ulong newParent, ReadOnlySpan<byte> newName, ref FuseEntryOut entry)
    {
        int rc = DecodeName(newName, out string name);
        if (rc != 0)
        {
            return rc;
        }
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node) || !TryGetNode(newParent, out CowNode dir))
            {
                return -Errno.ENOENT;
            }
            rc = PrepareNewName(dir, name, out Dictionary<string, DirEntry> _);
            if (rc != 0)
            {
                return rc;
            }
            rc = EnsureRecord(node.Ino, node.Origin, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            if (record.IsDirectory)
            {
                return -Errno.EPERM;
            }
            InodeRecord linked = record.Clone();
            linked.Nlink++;
            linked.TouchChanged();
            rc = Commit([
                new PutInodeOp(linked),
                new SetEntryOp(dir.Ino, name, new DirEntry(record.Ino, record.Type, record.Origin)),
                .. TouchDirectory(dir.Ino),
            ]);
            if (rc != 0)
            {
                return rc;
            }
            rc = StatRecord(record, ref entry.Attr);
            if (rc != 0)
            {
                return rc;
            }
            FillEntry(ref entry, record.Ino);
            AddLookup(record.Ino, record.Origin);
            return 0;
        }
    }

    public int Unlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => RemoveName(parent, name, directory: false);

    public int Rmdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => RemoveName(parent, name, directory: true);

    public int Rename(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags)
    {
        int rc = DecodeName(name, out string from);
        if (rc == 0)
        {
            rc = DecodeName(newName, out string to);
            if (rc == 0)
            {
                if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0 || flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
                {
                    return -Errno.EINVAL;
                }
                lock (_ns)
                {
                    return RenameLocked(parent, from, newParent, to, flags);
                }
            }
        }
        return rc;
    }

    private int RenameLocked(ulong parent, string name, ulong newParent, string newName, uint flags)
    {
        if (!TryGetNode(parent, out CowNode sourceDir) || !TryGetNode(newParent, out CowNode targetDir))
        {
            return -Errno.ENOENT;
        }
        int rc = FindEntry(sourceDir.Ino, sourceDir.Origin, name, out DirEntry source);
        if (rc != 0)
        {
            return rc;
        }
        rc = FindEntry(targetDir.Ino, targetDir.Origin, newName, out DirEntry target);
        bool targetExists = rc == 0;
        if (rc != 0 && rc != -Errno.ENOENT)
        {
            return rc;
        }
        if ((flags & RENAME_NOREPLACE) != 0 && targetExists)
        {
            return -Errno.EEXIST;
        }
        if ((flags & RENAME_EXCHANGE) != 0 && !targetExists)
        {
            return -Errno.ENOENT;
        }
        if (sourceDir.Ino == targetDir.Ino && name == newName)
        {
            return 0;
        }
        if (targetExists && target.Ino == source.Ino && (flags & RENAME_EXCHANGE) == 0)
        {
            // rename(2) between two links of one inode does nothing.
            return 0;
        }
        bool sourceIsDir = source.Type == S_IFDIR;
        if (targetExists && (flags & RENAME_EXCHANGE) == 0)
        {
            bool targetIsDir = target.Type == S_IFDIR;
            if (sourceIsDir && !targetIsDir)
            {
                return -Errno.ENOTDIR;
            }
            if (!sourceIsDir && targetIsDir)
            {
                return -Errno.EISDIR;
            }
            if (targetIsDir && !IsEmptyDirectory(target))
            {
                return -Errno.ENOTEMPTY;
            }
        }
        rc = EnsureMaterialized(sourceDir.Ino, OriginOf(sourceDir), out _);
        if (rc == 0)
        {
            rc = EnsureMaterialized(targetDir.Ino, OriginOf(targetDir), out _);
        }
        if (rc != 0)
        {
            return rc;
        }

        var ops = new List<JournalOp>();
        ulong deleteData = 0;
        if ((flags & RENAME_EXCHANGE) != 0)
        {
            ops.Add(new SetEntryOp(sourceDir.Ino, name, target));
            ops.Add(new SetEntryOp(targetDir.Ino, newName, source));
        }
        else
        {
            if (targetExists)
            {
                rc = DropLink(target, ops, out deleteData);
                if (rc != 0)
                {
                    return rc;
                }
            }
            ops.Add(new RemoveEntryOp(sourceDir.Ino, name));
            ops.Add(new SetEntryOp(targetDir.Ino, newName, source));
        }
        if (_state.Inodes.TryGetValue(source.Ino, out InodeRecord? moved))
        {
            InodeRecord changed = moved.Clone();
            changed.TouchChanged();
            ops.Add(new PutInodeOp(changed));
        }
        ops.AddRange(TouchDirectory(sourceDir.Ino));
        if (targetDir.Ino != sourceDir.Ino)
        {
            ops.AddRange(TouchDirectory(targetDir.Ino));
        }
        rc = Commit(ops);
        if (rc == 0 && deleteData != 0)
        {
            DeleteData(deleteData);
        }
        return rc;
    }

    private int RemoveName(ulong parent, ReadOnlySpan<byte> rawName, bool directory)
    {
        int rc = DecodeName(rawName, out string name);
        if (rc != 0)
        {
            return rc;
        }
        lock (_ns)
        {
            if (!TryGetNode(parent, out CowNode dir))
            {
                return -Errno.ENOENT;
            }
            rc = FindEntry(dir.Ino, dir.Origin, name, out DirEntry entry);
            if (rc != 0)
            {
                return rc;
            }
            bool isDir = entry.Type == S_IFDIR;
            if (directory && !isDir)
            {
                return -Errno.ENOTDIR;
            }
            if (!directory && isDir)
            {
                return -Errno.EISDIR;
            }
            if (isDir && !IsEmptyDirectory(entry))
            {
                return -Errno.ENOTEMPTY;
            }
            rc = EnsureMaterialized(dir.Ino, OriginOf(dir), out _);
            if (rc != 0)
            {
                return rc;
            }
            var ops = new List<JournalOp> { new RemoveEntryOp(dir.Ino, name) };
            rc = DropLink(entry, ops, out ulong deleteData);
            if (rc != 0)
            {
                return rc;
            }
            ops.AddRange(TouchDirectory(dir.Ino));
            rc = Commit(ops);
            if (rc == 0 && isDir && _state.Inodes.ContainsKey(entry.Ino))
            {
                _rmdirWhileOpen.Add(entry.Ino);
            }
            if (rc == 0 && deleteData != 0)
            {
                DeleteData(deleteData);
            }
            return rc;
        }
    }

    /// <summary>
    /// Adds the ops that drop one name of <paramref name="entry"/>'s inode; 0 or -errno (nothing added).
    /// <paramref name="deleteData"/> is the inode whose data must be deleted after the commit (last link,
    /// not open), else 0. An open inode whose last name goes away keeps a record with nlink 0, base inodes
    /// that were only read and directories included: the record is what its handles (and the kernel's
    /// getattr) report until <see cref="ReapIfUnlinked"/> deletes it at the last release.
    /// </summary>
    private int DropLink(in DirEntry entry, List<JournalOp> ops, out ulong deleteData)
    {
        deleteData = 0;
        bool open = IsOpen(entry.Ino);
        if (!_state.Inodes.TryGetValue(entry.Ino, out InodeRecord? record))
        {
            if (!open)
            {
                // An unchanged base inode nobody has open: dropping its name is all there is.
                return 0;
            }
            string? origin = entry.Origin ?? (_data.TryGetValue(entry.Ino, out FileData? data) ? data.Origin : null);
            int rc = ReadBaseRecord(entry.Ino, origin, out record);
            if (rc != 0)
            {
                return rc;
            }
        }
        if (record.IsDirectory && _state.Directories.ContainsKey(entry.Ino))
        {
            // Only an empty directory loses its name; a handle still open on it has its listing snapshotted.
            ops.Add(new DropDirectoryOp(entry.Ino));
        }
        InodeRecord changed = record.Clone();
        changed.Nlink = record.IsDirectory || changed.Nlink == 0 ? 0 : changed.Nlink - 1;
        changed.TouchChanged();
        if (changed.Nlink == 0 && !open)
        {
            ops.Add(new DeleteInodeOp(entry.Ino));
            deleteData = record.IsRegular ? entry.Ino : 0;
            return 0;
        }
        ops.Add(new PutInodeOp(changed));
        return 0;
    }

    /// <summary>Whether a file or directory handle is open on the inode.</summary>
    private bool IsOpen(ulong ino) =>
        (_data.TryGetValue(ino, out FileData? data) && data.OpenCount > 0) || _openDirectoryCounts.ContainsKey(ino);

    /// <summary>Deletes an inode whose last name went away once nothing has it open any more; 0 or -errno.</summary>
    private int ReapIfUnlinked(ulong ino)
    {
        if (!_state.Inodes.TryGetValue(ino, out InodeRecord? record) || record.Nlink != 0 || IsOpen(ino))
        {
            return 0;
        }
        var ops = new List<JournalOp> { new DeleteInodeOp(ino) };
        if (_state.Directories.ContainsKey(ino))
        {
            ops.Add(new DropDirectoryOp(ino));
        }
        int rc = Commit(ops);
        if (rc == 0)
        {
            _rmdirWhileOpen.Remove(ino);
            if (record.IsRegular)
            {
                DeleteData(ino);
            }
        }
        return rc;
    }

    /// <summary>mtime/ctime of a directory whose entries change (its record exists once it is materialized).</summary>
    private IEnumerable<JournalOp> TouchDirectory(ulong dirIno)
    {
        if (_state.Inodes.TryGetValue(dirIno, out InodeRecord? record))
        {
            InodeRecord changed = record.Clone();
            changed.TouchModified();
            yield return new PutInodeOp(changed);
        }
    }

    /// <summary>Checks that <paramref name="name"/> is free in <paramref name="dir"/> and materializes the directory.</summary>
    private int PrepareNewName(CowNode dir, string name, out Dictionary<string, DirEntry> listing)
    {
        listing = null!;
        int rc = FindEntry(dir.Ino, dir.Origin, name, out _);
        if (rc == 0)
        {
            return -Errno.EEXIST;
        }
        if (rc != -Errno.ENOENT)
        {
            return rc;
        }
        return EnsureMaterialized(dir.Ino, OriginOf(dir), out listing);
    }

    /// <summary>Creates a new inode named <paramref name="rawName"/> in <paramref name="parent"/>; counts one lookup.</summary>
    private int CreateNode(in FuseRequest request, ulong parent, ReadOnlySpan<byte> rawName, uint mode, uint rdev, ref FuseEntryOut entry, Action<InodeRecord>? customize)
    {
        int rc = DecodeName(rawName, out string name);
        if (rc != 0)
        {
            return rc;
        }
        lock (_ns)
        {
            rc = CreateNodeLocked(request, parent, name, mode, rdev, customize, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            rc = StatRecord(record, ref entry.Attr);
            if (rc != 0)
            {
                return rc;
            }
            FillEntry(ref entry, record.Ino);
            AddLookup(record.Ino, null);
            return 0;
        }
    }

    private int CreateNodeLocked(in FuseRequest request, ulong parent, string name, uint mode, uint rdev, Action<InodeRecord>? customize, out InodeRecord record)
    {
        record = null!;
        if (!TryGetNode(parent, out CowNode dir))
        {
            return -Errno.ENOENT;
        }
        int rc = PrepareNewName(dir, name, out _);
        if (rc != 0)
        {
            return rc;
        }
        InodeRecord parentRecord = _state.Inodes[dir.Ino];
        (long sec, uint nsec) = CowClock.Now();
        bool isDir = (mode & S_IFMT) == S_IFDIR;
        bool inheritGroup = (parentRecord.Mode & S_ISGID) != 0;
        var created = new InodeRecord
        {
            Ino = _state.NextDeltaIno,
            Mode = isDir && inheritGroup ? mode | S_ISGID : mode,
            Uid = request.Uid,
            Gid = inheritGroup ? parentRecord.Gid : request.Gid,
            Nlink = isDir ? 2u : 1u,
            Rdev = rdev,
            AtimeSec = sec,
            AtimeNsec = nsec,
            MtimeSec = sec,
            MtimeNsec = nsec,
            CtimeSec = sec,
            CtimeNsec = nsec,
        };
        customize?.Invoke(created);
        var ops = new List<JournalOp> { new PutInodeOp(created) };
        if (isDir)
        {
            ops.Add(new PutDirectoryOp(created.Ino, new Dictionary<string, DirEntry>(StringComparer.Ordinal)));
        }
        ops.Add(new SetEntryOp(dir.Ino, name, new DirEntry(created.Ino, created.Type, null)));
        ops.AddRange(TouchDirectory(dir.Ino));
        rc = Commit(ops);
        if (rc != 0)
        {
            return rc;
        }
        record = _state.Inodes[created.Ino];
        return 0;
    }
}
