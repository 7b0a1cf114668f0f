using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

public sealed partial class BlockFile
{
    /// <summary>
    /// Sets the size. Shrinking moves BaseLimit down so base bytes past the new end can never reappear
    /// (truncate-then-extend reads zeros). No base data is copied, not even the partial block at the new end:
    /// base reads are clipped at BaseLimit, so its tail reads as zeros from then on. Growing only records the size.
    /// 0 or -errno.
    /// </summary>
    public int Truncate(long size)
    {
        if (size < 0)
        {
            return -Errno.EINVAL;
        }
        if (size > MaxFileSize)
        {
            return -Errno.EFBIG;
        }
        _lock.EnterWriteLock();
        try
        {
            int r = ModificationBlocked();
            if (r != 0 || size == _map.Size)
            {
                return r;
            }
            r = EnsureCreated();
            if (r < 0)
            {
                return r;
            }
            if (size > _map.Size)
            {
                return Record(BlockMapRecord.SetSize(size)); // the data file already reads zeros past the old size
            }

            // Record first, then cut the data file: a crash in between is repaired by Open, which trims the
            // data file to the recorded size. The other order could leave the old size over a cut data file.
            r = Record(BlockMapRecord.Truncate(size, Math.Min(_map.BaseLimit, size)));
            if (r < 0)
            {
                return r;
            }
            r = BlockIo.FTruncate(_data!, size);
            if (r < 0)
            {
                _failedErrno = Errno.EIO; // stale bytes past Size could reappear on growth: stop changes until reopened
            }
            return r;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// fallocate(2) modes 0 and KEEP_SIZE (reserve: never copies base data; only the part at or past BaseLimit is
    /// reserved in the delta data file, so ENOSPC surfaces here), PUNCH_HOLE|KEEP_SIZE and ZERO_RANGE[|KEEP_SIZE]
    /// (full blocks become delta holes, partial blocks are zeroed in place or copied once). Others: -EOPNOTSUPP.
    /// </summary>
    public int Fallocate(int mode, long offset, long length)
    {
        const int keepSize = BlockIo.FALLOC_FL_KEEP_SIZE;
        bool reserve = mode is 0 or keepSize;
        bool punch = mode == (BlockIo.FALLOC_FL_PUNCH_HOLE | keepSize);
        bool zero = mode is BlockIo.FALLOC_FL_ZERO_RANGE or (BlockIo.FALLOC_FL_ZERO_RANGE | keepSize);
        if (!reserve && !punch && !zero)
        {
            return -Errno.EOPNOTSUPP;
        }
        if (offset < 0 || length <= 0)
        {
            return -Errno.EINVAL;
        }
        if (offset > MaxFileSize - length)
        {
            return -Errno.EFBIG;
        }
        long end = offset + length;
        _lock.EnterWriteLock();
        try
        {
            int r = ModificationBlocked();
            if (r != 0)
            {
                return r;
            }
            long newSize = (mode & keepSize) == 0 ? Math.Max(_map.Size, end) : _map.Size;
            return reserve ? Reserve(offset, end, newSize) : ZeroExisting(offset, end, newSize);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private int Reserve(long offset, long end, long newSize)
    {
        long start = Math.Max(offset, _map.BaseLimit);
        if (start >= end)
        {
            return 0; // base blocks only: reserving would mean copying or wasting space; the base is already there
        }
        int r = EnsureCreated();
        if (r < 0)
        {
            return r;
        }
        r = BlockIo.FAllocate(_data!, BlockIo.FALLOC_FL_KEEP_SIZE, start, end - start);
        if (r == -Errno.EOPNOTSUPP)
        {
            r = 0; // the delta's filesystem cannot reserve; the size change below is still exact
        }
        if (r == 0 && newSize != _map.Size)
        {
            r = Record(BlockMapRecord.SetSize(newSize));
        }
        return r;
    }

    private int ZeroExisting(long offset, long end, long newSize)
    {
        long stop = Math.Min(end, _map.Size); // past Size the data file already reads zeros
        if (offset >= stop)
        {
            if (newSize == _map.Size)
            {
                return 0;
            }
            int r = EnsureCreated();
            return r < 0 ? r : Record(BlockMapRecord.SetSize(newSize));
        }
        return ChangeRange(offset, default, stop - offset, zeros: true, newSize);
    }
}
