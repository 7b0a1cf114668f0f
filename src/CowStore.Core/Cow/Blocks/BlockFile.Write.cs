using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

public sealed partial class BlockFile
{
    /// <summary>
    /// Writes all of <paramref name="source"/> at <paramref name="offset"/>; returns source.Length or -errno
    /// (ENOSPC, EIO, EFBIG). On failure the map is untouched: base blocks being copied stay base, and the file
    /// never shows bytes of a failed write past its old size.
    /// </summary>
    public int Write(long offset, ReadOnlySpan<byte> source)
    {
        if (offset < 0)
        {
            return -Errno.EINVAL;
        }
        if (source.IsEmpty)
        {
            return 0;
        }
        if (offset > MaxFileSize - source.Length)
        {
            return -Errno.EFBIG;
        }
        int r = WriteLocked(offset, source);
        if (r >= 0)
        {
            ExtendRunwayAfterWrite(offset, offset + source.Length);
        }
        return r;
    }

    /// <summary>Write's locking: the reader lock for in-place writes of delta blocks, the writer lock for map changes.</summary>
    private int WriteLocked(long offset, ReadOnlySpan<byte> source)
    {
        _lock.EnterReadLock();
        try
        {
            int blocked = ModificationBlocked();
            if (blocked != 0)
            {
                return blocked;
            }
            if (!ChangesMap(offset, source.Length))
            {
                // Steady state: every touched block already lives in the delta and the size stays; the map is
                // not touched, so concurrent writers only share the reader lock.
                int r = WriteBlocks(offset, source, source.Length, zeros: false);
                return r < 0 ? r : source.Length;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        _lock.EnterWriteLock();
        try
        {
            int blocked = ModificationBlocked();
            if (blocked != 0)
            {
                return blocked;
            }
            int r = ChangeRange(offset, source, source.Length, zeros: false, Math.Max(_map.Size, offset + source.Length));
            return r < 0 ? r : source.Length;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>True when writing [offset, offset+length) needs a map change (a base block, growth, or no delta yet).</summary>
    private bool ChangesMap(long offset, long length)
    {
        long end = offset + length;
        if (_log is null || end > _map.Size)
        {
            return true;
        }
        long first = offset / BlockSize;
        long last = Math.Min(BlockCountOf(end), _map.LimitBlock);
        return first < last && _map.Bits.AnyClear(first, last - first);
    }

    /// <summary>
    /// Under the writer lock: writes (or zeros) a range, then records the blocks that moved to the delta and the
    /// new size. Map records are appended only after the data operations succeeded.
    /// </summary>
    private int ChangeRange(long offset, ReadOnlySpan<byte> source, long length, bool zeros, long newSize)
    {
        int r = EnsureCreated();
        if (r < 0)
        {
            return r;
        }
        long end = offset + length;
        r = WriteBlocks(offset, source, length, zeros);
        if (r == 0)
        {
            Span<BlockMapRecord> records = stackalloc BlockMapRecord[2];
            int count = 0;
            long first = offset / BlockSize;
            long last = Math.Min(BlockCountOf(end), _map.LimitBlock);
            if (first < last && _map.Bits.AnyClear(first, last - first))
            {
                records[count++] = BlockMapRecord.SetBlocks(first, last - first);
            }
            if (newSize != _map.Size)
            {
                records[count++] = BlockMapRecord.SetSize(newSize);
            }
            r = count == 0 ? 0 : _log!.Append(records[..count]);
            if (r == 0)
            {
                foreach (BlockMapRecord record in records[..count])
                {
                    _map.Apply(record);
                }
                return 0;
            }
        }
        if (end > _map.Size)
        {
            RestoreZerosPastSize();
        }
        return r;
    }

    /// <summary>
    /// Writes the bytes (or zeros) of [offset, offset+length) into the data file, block by block:
    /// all-zero full blocks become holes (no space), other full blocks go out in one pwrite per run,
    /// a partial block of the base is read, merged and written whole (the only base data ever copied).
    /// </summary>
    private int WriteBlocks(long offset, ReadOnlySpan<byte> source, long length, bool zeros)
    {
        long end = offset + length;
        for (long position = offset; position < end;)
        {
            long block = position / BlockSize;
            int inBlock = (int)(position - (block * BlockSize));
            int r;
            if (inBlock != 0 || end - position < BlockSize)
            {
                int count = (int)Math.Min(BlockSize - inBlock, end - position);
                ReadOnlySpan<byte> part = zeros ? default : source.Slice((int)(position - offset), count);
                if (_map.IsBaseBlock(block))
                {
                    r = CopyBaseBlock(block, inBlock, part, count, zeros);
                }
                else
                {
                    r = zeros ? BlockIo.ZeroRange(_data!, position, count) : BlockIo.PWriteFull(_data!, part, position);
                }
                position += count;
            }
            else
            {
                long fullEnd = position + ((end - position) / BlockSize * BlockSize);
                long stop = fullEnd;
                bool zeroRun = zeros || IsZeroBlock(source, position - offset);
                if (!zeros)
                {
                    stop = position + BlockSize;
                    while (stop < fullEnd && IsZeroBlock(source, stop - offset) == zeroRun)
                    {
                        stop += BlockSize;
                    }
                }
                // Zeros become a hole only where the write changes the map (base blocks, growth); over blocks
                // already in the delta they are plain writes: punching and refilling (a database rewriting a
                // page) would change extents, and every fdatasync would then commit the data file's journal too.
                r = zeroRun && (zeros || ChangesMap(position, stop - position))
                    ? BlockIo.ZeroRange(_data!, position, stop - position)
                    : BlockIo.PWriteFull(_data!, source.Slice((int)(position - offset), (int)(stop - position)), position);
                position = stop;
            }
            if (r < 0)
            {
                return r;
            }
        }
        return 0;
    }

    /// <summary>
    /// Moves one base block into the delta with [inBlock, inBlock+count) replaced by <paramref name="part"/>
    /// (or zeros): read base, merge, write the whole block. A result of all zeros becomes a hole.
    /// </summary>
    private int CopyBaseBlock(long block, int inBlock, ReadOnlySpan<byte> part, int count, bool zeros)
    {
        byte[] scratch = _scratch ??= new byte[BlockSize];
        long blockStart = block * BlockSize;
        int r = ReadBase(scratch, blockStart);
        if (r < 0)
        {
            return r;
        }
        if (zeros)
        {
            scratch.AsSpan(inBlock, count).Clear();
        }
        else
        {
            part.CopyTo(scratch.AsSpan(inBlock));
        }
        return scratch.AsSpan().ContainsAnyExcept((byte)0)
            ? BlockIo.PWriteFull(_data!, scratch, blockStart)
            : BlockIo.ZeroRange(_data!, blockStart, BlockSize);
    }

    /// <summary>
    /// After a failed growing write: bytes it left past Size must go, or a later extension would show them.
    /// If even that fails, memory and disk disagree: refuse further changes until the file is reopened
    /// (Open trims the data file to the recorded size).
    /// </summary>
    private void RestoreZerosPastSize()
    {
        if (_data is not null && BlockIo.FTruncate(_data, _map.Size) < 0)
        {
            _failedErrno = Errno.EIO;
        }
    }

    private static bool IsZeroBlock(ReadOnlySpan<byte> source, long start) =>
        !source.Slice((int)start, BlockSize).ContainsAnyExcept((byte)0);

    private static long BlockCountOf(long bytes) => (bytes + BlockSize - 1) / BlockSize;
}
