using System.Buffers;
using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

public sealed partial class BlockFile
{
    // A log-style writer (a WAL: write a page, fdatasync, write the same or the next page, fdatasync, ...)
    // pays twice per commit on a fresh delta: the data file allocates a block, so its fdatasync commits the
    // ext4 journal, and a base block also needs a map record, so the map log is synced as well. On a copy
    // (or fuse-overlayfs after its copy-up) the page already exists and the fdatasync only flushes data.
    // So when a small write continues the previous one and the file was synced in between, the blocks
    // ahead are prepared once for the writes to come: base blocks are copied into the delta (one map
    // record), holes of the data file are filled with zeros. Random writes, bulk writes and writers that
    // do not sync never trigger it, and it never reaches past Size, so the delta grows by at most
    // RunwayLength beyond what the log writer writes itself.
    private const int RunwayMaxWrite = 64 * 1024;
    private const long RunwayLength = 512 * 1024;

    // Read and written without a lock: they only steer the heuristic, a torn view costs one fill or one miss.
    private long _lastWriteStart = -1;
    private long _lastWriteEnd = -1;
    private long _runwayStart;
    private long _runwayEnd;
    private volatile bool _syncedSinceWrite;

    /// <summary>
    /// After a successful write of [offset, end): prepares the blocks ahead when the write continues a
    /// synced log-style writer and fewer than half of RunwayLength are prepared beyond it. Best effort.
    /// </summary>
    private void ExtendRunwayAfterWrite(long offset, long end)
    {
        bool continues = _syncedSinceWrite && offset >= _lastWriteStart && offset <= _lastWriteEnd;
        _lastWriteStart = offset;
        _lastWriteEnd = end;
        _syncedSinceWrite = false;
        long start = BlockCountOf(end) * BlockSize;
        bool prepared = start >= _runwayStart && end + (RunwayLength / 2) <= _runwayEnd;
        if (!continues || prepared || end - offset > RunwayMaxWrite)
        {
            return;
        }
        if (RunwayStop(start) <= start)
        {
            return; // the writer appends at the end of the file: nothing ahead to prepare
        }
        _lock.EnterWriteLock();
        try
        {
            if (ModificationBlocked() == 0 && _log is not null)
            {
                _runwayStart = start;
                _runwayEnd = PrepareBlocks(start, RunwayStop(start)); // Size again: it may have moved before the lock
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Where a runway from <paramref name="start"/> ends: RunwayLength on, never past the last full block within Size.</summary>
    private long RunwayStop(long start) => Math.Min(start + RunwayLength, _map.Size / BlockSize * BlockSize);

    /// <summary>
    /// Under the writer lock: copies the base blocks of [start, stop) into the delta and fills the data file's
    /// holes among the others with zeros (the content stays what it was). Returns where it stopped: at
    /// <paramref name="stop"/>, or at the first failure (nothing is lost: the blocks it did not record
    /// still read from the base).
    /// </summary>
    private long PrepareBlocks(long start, long stop)
    {
        for (long position = start; position < stop;)
        {
            bool delta = IsDeltaRun(position / BlockSize, out long runEnd);
            long runStop = Math.Min(stop, runEnd * BlockSize);
            int r = delta ? FillHoles(position, runStop) : CopyBaseRun(position, runStop);
            if (r < 0)
            {
                return position;
            }
            position = runStop;
        }
        return stop;
    }

    /// <summary>Copies base blocks [start, stop) into the data file, then records them (data before map, as in ChangeRange).</summary>
    private int CopyBaseRun(long start, long stop)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)(stop - start));
        try
        {
            Span<byte> run = buffer.AsSpan(0, (int)(stop - start));
            int r = ReadBase(run, start);
            if (r >= 0)
            {
                r = BlockIo.PWriteFull(_data!, run, start);
            }
            if (r < 0)
            {
                return r;
            }
            BlockMapRecord record = BlockMapRecord.SetBlocks(start / BlockSize, (stop - start) / BlockSize);
            r = _log!.Append([record]);
            if (r == 0)
            {
                _map.Apply(record);
            }
            return r;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes zeros into the holes of the data file within [start, stop) (delta blocks: holes read as zeros, so nothing changes).</summary>
    private int FillHoles(long start, long stop)
    {
        for (long position = start; position < stop;)
        {
            // ENXIO: at or past the data file's end, which is all hole (the file may be shorter than Size).
            long hole = SeekData(position, BlockIo.SEEK_HOLE);
            hole = hole == -Errno.ENXIO ? position : hole;
            if (hole < 0 || hole >= stop)
            {
                return hole < 0 ? (int)hole : 0;
            }
            long data = SeekData(hole, BlockIo.SEEK_DATA);
            if (data < 0 && data != -Errno.ENXIO)
            {
                return (int)data;
            }
            long holeEnd = data < 0 || data > stop ? stop : data;
            int r = BlockIo.WriteZeros(_data!, hole, holeEnd - hole);
            if (r < 0)
            {
                return r;
            }
            position = holeEnd;
        }
        return 0;
    }
}
