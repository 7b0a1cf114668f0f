using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

public sealed partial class BlockFile
{
    private const long EndlessRun = long.MaxValue / BlockSize;

    /// <summary>Reads up to destination.Length bytes; returns the count (short only at EOF) or -errno (base EIO stays EIO).</summary>
    public int Read(long offset, Span<byte> destination)
    {
        if (offset < 0)
        {
            return -Errno.EINVAL;
        }
        _lock.EnterReadLock();
        try
        {
            if (_disposed)
            {
                return -Errno.EBADF;
            }
            long size = _map.Size;
            if (offset >= size || destination.IsEmpty)
            {
                return 0;
            }
            int count = (int)Math.Min(destination.Length, size - offset);
            long end = offset + count;
            bool delta = IsDeltaRun(offset / BlockSize, out long runEnd);
            if (runEnd * BlockSize < end)
            {
                PrefetchRuns(offset, end);
            }
            for (long position = offset; ;)
            {
                long stop = Math.Min(end, runEnd * BlockSize);
                Span<byte> part = destination.Slice((int)(position - offset), (int)(stop - position));
                int r = delta ? BlockIo.PReadZeroFilled(_data, part, position) : ReadBase(part, position);
                if (r < 0)
                {
                    return r;
                }
                position = stop;
                if (position >= end)
                {
                    return count;
                }
                delta = IsDeltaRun(position / BlockSize, out runEnd);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// SEEK_DATA (3) / SEEK_HOLE (4) on the merged content: each run of same-source blocks asks its own file
    /// (base or delta data) through lseek, so holes of a sparse base and punched delta blocks both show.
    /// ENXIO at or past EOF; the end of the file counts as a hole. Other whence values: -EINVAL.
    /// </summary>
    public int Seek(long offset, int whence, out long result)
    {
        result = -1;
        if (whence != BlockIo.SEEK_DATA && whence != BlockIo.SEEK_HOLE)
        {
            return -Errno.EINVAL;
        }
        _lock.EnterReadLock();
        try
        {
            if (_disposed)
            {
                return -Errno.EBADF;
            }
            long size = _map.Size;
            if (offset < 0 || offset >= size)
            {
                return -Errno.ENXIO;
            }
            for (long position = offset; position < size;)
            {
                bool delta = IsDeltaRun(position / BlockSize, out long runEnd);
                long stop = Math.Min(size, runEnd * BlockSize);
                long found = delta ? SeekData(position, whence) : _base is null ? -Errno.ENXIO : _base.Seek(position, whence);
                if (found < 0)
                {
                    if (found != -Errno.ENXIO)
                    {
                        return (int)found;
                    }
                    // ENXIO: SEEK_DATA found no data after position in that file; SEEK_HOLE was asked past its EOF.
                    found = whence == BlockIo.SEEK_DATA ? long.MaxValue : position;
                }
                if (found < stop)
                {
                    result = found;
                    return 0;
                }
                position = stop;
            }
            if (whence == BlockIo.SEEK_DATA)
            {
                return -Errno.ENXIO;
            }
            result = size;
            return 0;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Copies by reading and writing in chunks (all-zero blocks still cost nothing in the delta).
    /// Returns the bytes copied (short at the source's EOF or after a later chunk failed) or -errno.
    /// </summary>
    public int CopyRangeFrom(BlockFile source, long sourceOffset, long offset, long length)
    {
        if (sourceOffset < 0 || offset < 0 || length < 0)
        {
            return -Errno.EINVAL;
        }
        if (ReferenceEquals(source, this) && sourceOffset < offset + length && offset < sourceOffset + length)
        {
            return -Errno.EINVAL; // like copy_file_range(2) on overlapping ranges of one file
        }
        length = Math.Min(length, int.MaxValue & ~(BlockSize - 1));
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            long done = 0;
            while (done < length)
            {
                int chunk = (int)Math.Min(buffer.Length, length - done);
                int got = source.Read(sourceOffset + done, buffer.AsSpan(0, chunk));
                if (got <= 0)
                {
                    return done > 0 || got == 0 ? (int)done : got;
                }
                int written = Write(offset + done, buffer.AsSpan(0, got));
                if (written < 0)
                {
                    return done > 0 ? (int)done : written;
                }
                done += got;
                if (got < chunk)
                {
                    break;
                }
            }
            return (int)done;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A read that alternates between base and delta (a file rewritten in many small places, read in readahead
    /// windows) would wait for one scattered disk read per run in turn: ask for all runs first so the disk
    /// serves them together. Advice only, under the caller's reader lock; a single-run read never gets here.
    /// </summary>
    private void PrefetchRuns(long offset, long end)
    {
        for (long position = offset; position < end;)
        {
            bool delta = IsDeltaRun(position / BlockSize, out long runEnd);
            long stop = Math.Min(end, runEnd * BlockSize);
            if (delta && _data is not null)
            {
                _ = Libc.PosixFadvise(_data.Fd, position, stop - position, Libc.POSIX_FADV_WILLNEED);
            }
            else if (!delta && position < _map.BaseLimit)
            {
                _base?.Prefetch(position, (int)(Math.Min(stop, _map.BaseLimit) - position));
            }
            position = stop;
        }
    }

    /// <summary>Whether <paramref name="block"/> reads from the delta, and the first block after it whose source differs.</summary>
    private bool IsDeltaRun(long block, out long runEnd)
    {
        long limit = _map.LimitBlock;
        if (block >= limit)
        {
            runEnd = EndlessRun;
            return true;
        }
        if (_map.Bits.Get(block))
        {
            long end = _map.Bits.NextWithValue(block, limit, false);
            runEnd = end >= limit ? EndlessRun : end;
            return true;
        }
        runEnd = _map.Bits.NextWithValue(block, limit, true);
        return false;
    }

    /// <summary>Reads base bytes; those at or past BaseLimit (cut off by a truncate) and past the base's EOF read as zeros.</summary>
    private int ReadBase(Span<byte> destination, long offset)
    {
        int visible = _base is null ? 0 : (int)Math.Clamp(_map.BaseLimit - offset, 0, destination.Length);
        destination[visible..].Clear();
        return visible == 0 ? 0 : _base!.Read(destination[..visible], offset);
    }

    private long SeekData(long position, int whence)
    {
        if (_data is null)
        {
            return -Errno.ENXIO;
        }
        long found = Libc.LSeek(_data.Fd, position, whence);
        return found >= 0 ? found : Libc.NegErrno;
    }
}
