namespace CowStore.Core.Cow.Blocks;

// What a commit needs to know: which blocks still read from the base, so only the others are read and hashed.
public sealed partial class BlockFile
{
    /// <summary>Logical size and base limit (bytes of the base at or past it read as zeros).</summary>
    internal (long Size, long BaseLimit) Shape
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return (_map.Size, _map.BaseLimit);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Starts reading the whole delta data file in the background: a commit is about to read every block in it.</summary>
    internal void PrefetchDelta()
    {
        _lock.EnterReadLock();
        try
        {
            if (_data is not null)
            {
                _ = Libc.PosixFadvise(_data.Fd, 0, 0, Libc.POSIX_FADV_WILLNEED);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Whether <paramref name="block"/> reads from the base, and the first block after it whose source differs.</summary>
    internal bool ReadsFromBase(long block, out long runEnd)
    {
        _lock.EnterReadLock();
        try
        {
            return !IsDeltaRun(block, out runEnd);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
