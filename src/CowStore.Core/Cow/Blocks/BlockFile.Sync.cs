using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

public sealed partial class BlockFile
{
    /// <summary>
    /// Makes the content durable: fdatasync of the data file, THEN of the map log (so a durable record never
    /// points at volatile data), then, once after creation, fsync of the directory holding the delta files.
    /// <paramref name="dataOnly"/> changes nothing: the map is what makes the data reachable.
    /// Returns 0 or -errno. After an I/O error the file refuses further syncs and changes (-EIO): the kernel
    /// may already have dropped the dirty pages, so a later success would be a lie.
    /// </summary>
    public int Sync(bool dataOnly)
    {
        _ = dataOnly;
        bool compact;
        _lock.EnterReadLock();
        try
        {
            int r = ModificationBlocked();
            if (r != 0 || _log is null || _data is null)
            {
                return r; // no delta: the content is the base, durable by definition
            }
            // Map records are appended under the writer lock, so holding the reader lock here means every
            // record covered by the map fsync belongs to data that the data fsync covered.
            r = BlockIo.FDataSync(_data!);
            if (r == 0)
            {
                r = _log.Sync();
            }
            if (r == 0 && !_directoryDurable)
            {
                r = BlockIo.FSyncParentDirectory(_log.MapPath);
                _directoryDurable = r == 0;
            }
            if (r < 0)
            {
                if (r != -Errno.ENOSPC && r != -Errno.EDQUOT)
                {
                    _failedErrno = Errno.EIO;
                }
                return r;
            }
            _syncedSinceWrite = true;
            compact = _log.Length > _log.CompactThreshold;
        }
        finally
        {
            _lock.ExitReadLock();
        }
        if (compact)
        {
            Compact();
        }
        return 0;
    }

    /// <summary>
    /// Rewrites a grown map log. Best effort by design: the current log is complete and already durable,
    /// so a failed compaction (e.g. ENOSPC for the temp file) loses nothing and is retried on a later Sync.
    /// </summary>
    private void Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            if (ModificationBlocked() == 0 && _log is not null && BlockIo.FDataSync(_data!) == 0)
            {
                _log.CompactIfLarge(_map);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
