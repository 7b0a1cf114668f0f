using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Attributes and file contents. Read/Write/Lseek go through the open handle without the namespace lock.
public sealed partial class CowFileSystem
{
    private const int O_ACCMODE = 3;
    private const int O_TRUNC = 0x200;
    private const int FALLOC_FL_KEEP_SIZE = 1;
    private const int FuseWriteCache = 1;

    public int GetAttr(in FuseRequest request, ulong nodeId, ulong fh, ref FuseAttrOut attr)
    {
        lock (_ns)
        {
            attr.AttrValid = AttrTimeoutSeconds;
            attr.AttrValidNsec = 0;
            // fstat answers for the inode the handle has open, whatever became of its names since.
            if (fh != 0 && _files.TryGetValue(fh, out OpenFile? file))
            {
                return StatInode(file.Data.Ino, file.Data.Origin, ref attr.Attr);
            }
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            return StatInode(node.Ino, node.Origin, ref attr.Attr);
        }
    }

    public int SetAttr(in FuseRequest request, ulong nodeId, in FuseSetAttrIn set, ref FuseAttrOut attr)
    {
        var valid = (SetAttrValid)set.Valid;
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            // chmod/chown/utimens are metadata only: the record is created, no data is copied.
            int rc = EnsureRecord(node.Ino, node.Origin, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            InodeRecord changed = record.Clone();
            if ((valid & SetAttrValid.Mode) != 0)
            {
                changed.Mode = (changed.Mode & S_IFMT) | (set.Mode & 0xFFF);
            }
            if ((valid & SetAttrValid.Uid) != 0)
            {
                changed.Uid = set.Uid;
            }
            if ((valid & SetAttrValid.Gid) != 0)
            {
                changed.Gid = set.Gid;
            }
            if ((valid & SetAttrValid.KillSuidGid) != 0 && changed.IsRegular)
            {
                changed.Mode &= ~(S_ISUID | S_ISGID);
            }
            (long nowSec, uint nowNsec) = CowClock.Now();
            if ((valid & SetAttrValid.AtimeNow) != 0)
            {
                (changed.AtimeSec, changed.AtimeNsec) = (nowSec, nowNsec);
            }
            else if ((valid & SetAttrValid.Atime) != 0)
            {
                (changed.AtimeSec, changed.AtimeNsec) = ((long)set.Atime, set.AtimeNsec);
            }
            if ((valid & SetAttrValid.MtimeNow) != 0)
            {
                (changed.MtimeSec, changed.MtimeNsec) = (nowSec, nowNsec);
            }
            else if ((valid & SetAttrValid.Mtime) != 0)
            {
                (changed.MtimeSec, changed.MtimeNsec) = ((long)set.Mtime, set.MtimeNsec);
            }
            (changed.CtimeSec, changed.CtimeNsec) = (valid & SetAttrValid.Ctime) != 0 ? ((long)set.Ctime, set.CtimeNsec) : (nowSec, nowNsec);
            if ((valid & SetAttrValid.Size) != 0)
            {
                if (record.IsDirectory)
                {
                    return -Errno.EISDIR;
                }
                if (!record.IsRegular)
                {
                    return -Errno.EINVAL;
                }
                if (set.Size > long.MaxValue)
                {
                    return -Errno.EFBIG;
                }
                rc = GetData(record.Ino, record.Origin, out FileData data);
                if (rc != 0)
                {
                    return rc;
                }
                rc = data.Blocks.Truncate((long)set.Size);
                if (rc < 0)
                {
                    return rc;
                }
                if ((valid & (SetAttrValid.Mtime | SetAttrValid.MtimeNow)) == 0)
                {
                    (changed.MtimeSec, changed.MtimeNsec) = (nowSec, nowNsec);
                }
            }
            rc = Commit([new PutInodeOp(changed)]);
            if (rc != 0)
            {
                return rc;
            }
            attr.AttrValid = AttrTimeoutSeconds;
            attr.AttrValidNsec = 0;
            return StatRecord(record, ref attr.Attr);
        }
    }

    public int ReadLink(in FuseRequest request, ulong nodeId, Span<byte> target)
    {
        byte[] link;
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            if (_state.Inodes.TryGetValue(node.Ino, out InodeRecord? record))
            {
                if (record.SymlinkTarget is null)
                {
                    return -Errno.EINVAL;
                }
                link = record.SymlinkTarget;
            }
            else
            {
                if (node.Origin is null)
                {
                    return -Errno.ENOENT;
                }
                int rc = _base.ReadLink(node.Origin, out link);
                if (rc != 0)
                {
                    return rc;
                }
            }
        }
        int length = Math.Min(link.Length, target.Length);
        link.AsSpan(0, length).CopyTo(target);
        return length;
    }

    public int Open(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        bool writable = (flags & O_ACCMODE) != 0 || (flags & O_TRUNC) != 0;
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            FuseAttr attr = default;
            int rc = StatInode(node.Ino, node.Origin, ref attr);
            if (rc != 0)
            {
                return rc;
            }
            uint type = attr.Mode & S_IFMT;
            if (type == S_IFDIR)
            {
                return -Errno.EISDIR;
            }
            if (type != S_IFREG)
            {
                // Fifos and devices are opened by the kernel itself; symlinks are never opened.
                return -Errno.EINVAL;
            }
            if (writable)
            {
                // Opening for writing copies nothing: it only gives the inode a record, so its data can diverge.
                rc = EnsureRecord(node.Ino, node.Origin, out _);
                if (rc != 0)
                {
                    return rc;
                }
            }
            rc = GetData(node.Ino, OriginOf(node), out FileData data);
            if (rc != 0)
            {
                return rc;
            }
            if ((flags & O_TRUNC) != 0)
            {
                rc = TruncateOnOpen(data);
                if (rc != 0)
                {
                    return rc;
                }
            }
            return AddHandle(nodeId, data, writable, ref open);
        }
    }

    public int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, int flags, uint mode, uint umask, ref FuseEntryOut entry, ref FuseOpenOut open)
    {
        int rc = DecodeName(name, out string decoded);
        if (rc != 0)
        {
            return rc;
        }
        lock (_ns)
        {
            rc = CreateNodeLocked(request, parent, decoded, S_IFREG | (mode & 0xFFF), 0, null, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            rc = GetData(record.Ino, null, out FileData data, created: true);
            if (rc == 0)
            {
                rc = StatRecord(record, ref entry.Attr);
            }
            if (rc != 0)
            {
                return rc;
            }
            FillEntry(ref entry, record.Ino);
            AddLookup(record.Ino, null);
            return AddHandle(NodeIdOf(record.Ino), data, writable: true, ref open);
        }
    }

    public int Read(in FuseRequest request, ulong nodeId, ulong fh, long offset, Span<byte> buffer)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        return file.Data.Blocks.Read(offset, buffer);
    }

    public int Write(in FuseRequest request, ulong nodeId, ulong fh, long offset, ReadOnlySpan<byte> data, uint writeFlags)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        if (!file.Writable && (writeFlags & FuseWriteCache) == 0)
        {
            return -Errno.EBADF;
        }
        _freeze.EnterReadLock();
        try
        {
            InodeRecord? record = file.Data.Record ?? EnsureRecordForWrite(file);
            if (record is null)
            {
                return -Errno.EIO;
            }
            int written = file.Data.Blocks.Write(offset, data);
            if (written > 0)
            {
                record.TouchModified();
                record.TimesDirty = true;
            }
            return written;
        }
        finally
        {
            _freeze.ExitReadLock();
        }
    }

    public int Flush(in FuseRequest request, ulong nodeId, ulong fh, ulong lockOwner)
    {
        // Sent only with the writeback cache (handles are NOFLUSH otherwise), after the kernel wrote back
        // its cached pages. close(2) is not a durability point; only journal the times writes changed.
        if (!_files.TryGetValue(fh, out OpenFile? file) || file.Data.Record is not { TimesDirty: true } record)
        {
            return 0;
        }
        lock (_ns)
        {
            return JournalDirtyTimes([record]);
        }
    }

    public int Release(in FuseRequest request, ulong nodeId, ulong fh, int flags)
    {
        lock (_ns)
        {
            if (!_files.TryRemove(fh, out OpenFile? file))
            {
                return -Errno.EBADF;
            }
            FileData data = file.Data;
            data.OpenCount--;
            int rc = 0;
            if (data.Record is { TimesDirty: true } dirty && _state.Inodes.ContainsKey(dirty.Ino))
            {
                rc = JournalDirtyTimes([dirty]);
            }
            if (data.OpenCount > 0)
            {
                return rc;
            }
            if (!_state.Inodes.TryGetValue(data.Ino, out InodeRecord? record))
            {
                // A base file that was only read: nothing of it lives in the delta.
                _data.Remove(data.Ino);
                data.Blocks.Dispose();
            }
            else
            {
                int reapRc = ReapIfUnlinked(data.Ino);
                if (reapRc != 0)
                {
                    return reapRc;
                }
            }
            return rc;
        }
    }

    public int Fsync(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        FileData? data = null;
        if (_files.TryGetValue(fh, out OpenFile? file))
        {
            data = file.Data;
        }
        else
        {
            lock (_ns)
            {
                if (TryGetNode(nodeId, out CowNode node))
                {
                    _data.TryGetValue(node.Ino, out data);
                }
            }
        }
        if (data is not null)
        {
            int rc = data.Blocks.Sync(dataOnly);
            if (rc < 0)
            {
                return rc;
            }
        }
        lock (_ns)
        {
            if (!dataOnly && data?.Record is { TimesDirty: true } record)
            {
                int rc = JournalDirtyTimes([record]);
                if (rc != 0)
                {
                    return rc;
                }
            }
            // The file's names (create, rename, link) are in the journal: fsync of a new file makes it findable.
            return _journal.Sync();
        }
    }

    public int Fallocate(in FuseRequest request, ulong nodeId, ulong fh, int mode, long offset, long length)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        _freeze.EnterReadLock();
        try
        {
            InodeRecord? record = file.Data.Record ?? EnsureRecordForWrite(file);
            if (record is null)
            {
                return -Errno.EIO;
            }
            int rc = file.Data.Blocks.Fallocate(mode, offset, length);
            if (rc >= 0)
            {
                if ((mode & ~FALLOC_FL_KEEP_SIZE) != 0 || offset + length > (long)file.Data.Blocks.Size)
                {
                    record.TouchModified();
                }
                else
                {
                    record.TouchChanged();
                }
                record.TimesDirty = true;
            }
            return rc < 0 ? rc : 0;
        }
        finally
        {
            _freeze.ExitReadLock();
        }
    }

    public int Lseek(in FuseRequest request, ulong nodeId, ulong fh, long offset, int whence, out long result)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            result = 0;
            return -Errno.EBADF;
        }
        return file.Data.Blocks.Seek(offset, whence, out result);
    }

    public long CopyFileRange(in FuseRequest request, ulong nodeIn, ulong fhIn, long offsetIn, ulong nodeOut, ulong fhOut, long offsetOut, long length, ulong flags)
    {
        if (flags != 0)
        {
            return -Errno.EINVAL;
        }
        if (!_files.TryGetValue(fhIn, out OpenFile? source) || !_files.TryGetValue(fhOut, out OpenFile? target) || !target.Writable)
        {
            return -Errno.EBADF;
        }
        _freeze.EnterReadLock();
        try
        {
            InodeRecord? record = target.Data.Record ?? EnsureRecordForWrite(target);
            if (record is null)
            {
                return -Errno.EIO;
            }
            // BlockFile counts in int; the kernel loops on short copies.
            long chunk = Math.Min(length, 1L << 30);
            int copied = target.Data.Blocks.CopyRangeFrom(source.Data.Blocks, offsetIn, offsetOut, chunk);
            if (copied > 0)
            {
                record.TouchModified();
                record.TimesDirty = true;
            }
            return copied;
        }
        finally
        {
            _freeze.ExitReadLock();
        }
    }

    public int StatFs(in FuseRequest request, ulong nodeId, ref FuseKStatfs statfs)
    {
        // Free space is the delta's: that is where every write lands.
        if (Libc.FStatFs(_lockFd.Fd, out StatFs fs) != 0)
        {
            return Libc.NegErrno;
        }
        statfs.Blocks = fs.Blocks;
        statfs.Bfree = fs.BlocksFree;
        statfs.Bavail = fs.BlocksAvailable;
        statfs.Files = fs.Files;
        statfs.Ffree = fs.FilesFree;
        statfs.Bsize = (uint)fs.BlockSize;
        statfs.NameLen = NameMax;
        statfs.Frsize = (uint)fs.FragmentSize;
        return 0;
    }

    public int Access(in FuseRequest request, ulong nodeId, int mask)
    {
        // The mount uses default_permissions: the kernel checked already; only existence is ours to answer.
        lock (_ns)
        {
            return TryGetNode(nodeId, out _) ? 0 : -Errno.ENOENT;
        }
    }

    private int TruncateOnOpen(FileData data)
    {
        int rc = data.Blocks.Truncate(0);
        if (rc < 0)
        {
            return rc;
        }
        if (data.Record is { } record)
        {
            InodeRecord changed = record.Clone();
            changed.TouchModified();
            return Commit([new PutInodeOp(changed)]);
        }
        return 0;
    }

    private int AddHandle(ulong nodeId, FileData data, bool writable, ref FuseOpenOut open)
    {
        data.OpenCount++;
        ulong fh = NextHandle();
        _files[fh] = new OpenFile(nodeId, data, writable);
        open.Fh = fh;
        // Every change to the contents goes through this mount, so cached pages stay valid across opens.
        // FLUSH has nothing to do that RELEASE (sent right after the last close, without the caller
        // waiting) does not do as well: close(2) is no durability point and write-through writes have
        // reported their errors already. NOFLUSH saves a round trip per close(2), e.g. per created file.
        // With the writeback cache the kernel ignores it and still flushes (its cached pages come first).
        open.OpenFlags = (uint)(OpenFlags.KeepCache | OpenFlags.NoFlush);
        open.BackingId = 0;
        return 0;
    }

    /// <summary>Writeback-cache writes may arrive on a read-only handle of a file that has no record yet.</summary>
    private InodeRecord? EnsureRecordForWrite(OpenFile file)
    {
        lock (_ns)
        {
            FileData data = file.Data;
            if (data.Record is not null)
            {
                return data.Record;
            }
            return EnsureRecord(data.Ino, data.Origin, out InodeRecord record) == 0 ? record : null;
        }
    }
}
