using System.Buffers.Binary;
using System.IO.Hashing;
using CowStore.Core.Posix;

namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// The append-only block map log (format in docs/FORMAT.md, "Block delta of one file"): a 32-byte header, then fixed 24-byte
/// records, each carrying its own CRC-32. Records are appended with pwrite at the tracked end (no fsync) right
/// after the data they describe reached the data file, so a killed daemon loses nothing it acknowledged;
/// <see cref="Sync"/> appends a Synced marker and makes everything durable. After a reboot only records up to
/// the last Synced marker are trusted (<see cref="BootIdentity"/>). Appends are serialized internally.
/// </summary>
internal sealed class BlockMapLog : IDisposable
{
    public const int HeaderSize = 32;
    public const int RecordSize = 24;
    public const uint FormatVersion = 1;
    private const int MaxRecordsPerAppend = 4;
    private const long MinCompactThreshold = 64 * 1024;
    private const int PreallocationUnit = 4096;
    private const int MaxPreallocation = 256 * 1024;

    private static ReadOnlySpan<byte> Magic => "CSBLKMAP"u8;

    private readonly Lock _appendLock = new();
    private SafeFd _fd;
    private bool _bootRecordPending; // this boot has not appended yet: its first append starts with a Boot record
    private long _fileLength;        // >= Length: the file may end in zeros written ahead of the records

    private BlockMapLog(string path, SafeFd fd, long length)
    {
        MapPath = path;
        _fd = fd;
        Length = length;
        _fileLength = length;
        CompactThreshold = MinCompactThreshold;
    }

    public string MapPath { get; }

    /// <summary>Bytes of valid log (header + records); the next record goes here.</summary>
    public long Length { get; private set; }

    /// <summary>Log length known durable behind a Synced marker; equal to Length when a Sync has nothing to add.</summary>
    public long SyncedLength { get; private set; } = HeaderSize;

    /// <summary>Past this length <see cref="CompactIfLarge"/> rewrites the log.</summary>
    public long CompactThreshold { get; private set; }

    /// <summary>Creates (or empties) the log with just a header; returns 0 or -errno.</summary>
    public static int TryCreate(string path, long baseSize, out BlockMapLog? log)
    {
        log = null;
        int fd = BlockIo.Open(path, PosixConstants.O_RDWR | PosixConstants.O_CREAT | PosixConstants.O_TRUNC);
        if (fd < 0)
        {
            return fd;
        }
        var handle = new SafeFd(fd);
        Span<byte> start = stackalloc byte[HeaderSize + RecordSize];
        WriteHeader(start, baseSize);
        Encode(BlockMapRecord.Boot(BootIdentity.Current), start[HeaderSize..]);
        int r = BlockIo.PWriteFull(handle, start, 0);
        if (r < 0)
        {
            handle.Dispose();
            return r;
        }
        log = new BlockMapLog(path, handle, start.Length);
        return 0;
    }

    /// <summary>
    /// Opens an existing log and replays it into <paramref name="state"/>. A torn tail (a partial or bad last
    /// record with no valid record after it: an append cut short by a crash) is cut off; anything else that
    /// does not verify throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static BlockMapLog OpenAndReplay(string path, BlockMapState state)
    {
        SafeFd handle = BlockIo.OpenOrThrow(path, PosixConstants.O_RDWR);
        try
        {
            long fileLength = BlockIo.FileLength(handle);
            if (fileLength < 0)
            {
                throw BlockIo.ErrnoException((int)-fileLength, "fstat", path);
            }
            if (fileLength > int.MaxValue)
            {
                throw new InvalidDataException($"{path}: block map of {fileLength} bytes is implausibly large");
            }
            byte[] content = new byte[fileLength];
            int read = BlockIo.PReadFull(handle, content, 0);
            if (read < 0)
            {
                throw BlockIo.ErrnoException(-read, "read", path);
            }
            long valid = Replay(path, content.AsSpan(0, read), state, BootIdentity.Current, out bool sameBoot, out long syncedEnd);
            if (valid < read || valid < HeaderSize)
            {
                // Cut the torn or untrusted tail now so the next append does not land behind it.
                int r = BlockIo.FTruncate(handle, valid);
                if (r == 0 && valid < HeaderSize)
                {
                    Span<byte> header = stackalloc byte[HeaderSize];
                    WriteHeader(header, state.BaseSize);
                    r = BlockIo.PWriteFull(handle, header, 0);
                    valid = HeaderSize;
                }
                if (r == 0)
                {
                    r = BlockIo.FDataSync(handle);
                }
                if (r < 0)
                {
                    throw BlockIo.ErrnoException(-r, "repair the tail of", path);
                }
            }
            var log = new BlockMapLog(path, handle, valid);
            log.UpdateThreshold(state);
            int synced = 0;
            if (!sameBoot)
            {
                // After a reboot the log was read from disk and cut to its synced prefix: it is durable. The next
                // append starts with a Boot record (none is written now: opening to read changes nothing, and a
                // full disk must not make Open fail). The Boot record needs no sync of its own: if it is lost,
                // the previous one also names another boot, and a later Synced marker's fsync covers it anyway.
                log._bootRecordPending = true;
                log.SyncedLength = log.Length;
            }
            else if (syncedEnd == valid)
            {
                // Same boot, log ends with a Synced marker: its fsync may have been cut short by a kill, so
                // repeat it (nearly free when the log is clean) rather than sync again on every later close.
                synced = log.Sync(force: true);
            }
            if (synced < 0)
            {
                log.Dispose();
                throw BlockIo.ErrnoException(-synced, "sync", path);
            }
            return log;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends records in one pwrite; the log only grows when all of them were written. 0 or -errno.</summary>
    public int Append(ReadOnlySpan<BlockMapRecord> records)
    {
        if (records.Length > MaxRecordsPerAppend)
        {
            throw new ArgumentOutOfRangeException(nameof(records));
        }
        Span<byte> buffer = stackalloc byte[RecordSize * (MaxRecordsPerAppend + 1)];
        lock (_appendLock)
        {
            int count = 0;
            if (_bootRecordPending)
            {
                Encode(BlockMapRecord.Boot(BootIdentity.Current), buffer[..RecordSize]);
                count++;
            }
            foreach (BlockMapRecord record in records)
            {
                Encode(record, buffer.Slice(count++ * RecordSize, RecordSize));
            }
            GrowAhead(Length + (count * RecordSize));
            // A failed or short append leaves at most a torn record at Length; the next append overwrites it
            // in place (records are fixed-size), so garbage never ends up in front of a valid record.
            int r = BlockIo.PWriteFull(_fd, buffer[..(count * RecordSize)], Length);
            if (r < 0)
            {
                return r;
            }
            Length += count * RecordSize;
            _fileLength = Math.Max(_fileLength, Length);
            _bootRecordPending = false;
            return 0;
        }
    }

    /// <summary>
    /// Under the append lock: before records would grow the file, grows it with zeros, doubling up to 256 KiB
    /// at a time. An append inside the file leaves i_size alone, so its fdatasync need not commit the ext4
    /// journal (it did on every sync that followed new records). Readers treat the zeros as a torn tail
    /// (a zero record fails its CRC and nothing valid follows) and cut them at open. Best effort: when the
    /// zeros cannot be written (a full disk) the append grows the file itself, as without it.
    /// </summary>
    private void GrowAhead(long needed)
    {
        if (needed <= _fileLength)
        {
            return;
        }
        long target = Math.Max(needed, Math.Min(2 * _fileLength, _fileLength + MaxPreallocation));
        target = (target + PreallocationUnit - 1) / PreallocationUnit * PreallocationUnit;
        if (BlockIo.WriteZeros(_fd, Length, target - Length) == 0)
        {
            _fileLength = target;
        }
    }

    /// <summary>
    /// Call only after the data file was made durable: appends a Synced marker (everything before it is now
    /// backed by durable data) and fdatasyncs the log. Nothing to do when no record came since the last one.
    /// </summary>
    public int Sync() => Sync(force: false);

    private int Sync(bool force)
    {
        long target;
        lock (_appendLock)
        {
            if (Length == SyncedLength)
            {
                return 0;
            }
            if (!force)
            {
                int appended = Append([BlockMapRecord.Synced()]);
                if (appended < 0)
                {
                    return appended;
                }
            }
            target = Length;
        }
        int r = BlockIo.FDataSync(_fd);
        if (r == 0)
        {
            lock (_appendLock)
            {
                SyncedLength = Math.Max(SyncedLength, target);
            }
        }
        return r;
    }

    /// <summary>Bytes the log occupies on disk, or -errno.</summary>
    public long AllocatedBytes => BlockIo.AllocatedBytes(_fd);

    /// <summary>
    /// Rewrites the log as a minimal one describing <paramref name="state"/> when it has grown past the
    /// threshold: temp file, fsync, rename over the log, fsync the directory. The caller must have made the
    /// data file durable first (the new log is durable at once and must not point at volatile data).
    /// Returns 0 or -errno; on failure the old log stays in use, complete and valid.
    /// </summary>
    public int CompactIfLarge(BlockMapState state)
    {
        if (Length <= CompactThreshold)
        {
            return 0;
        }
        string temp = MapPath + ".tmp";
        int r = TryCreate(temp, state.BaseSize, out BlockMapLog? compacted);
        if (r < 0)
        {
            return r;
        }
        r = compacted!.WriteSnapshot(state);
        if (r == 0)
        {
            r = compacted.Sync(); // the caller made the data durable: the whole new log is synced state
        }
        if (r == 0)
        {
            r = BlockIo.Rename(temp, MapPath);
        }
        if (r < 0)
        {
            compacted.Dispose();
            BlockIo.UnlinkIfExists(temp);
            return r;
        }
        // The rename is done: from here the new log is the log, even if the directory fsync fails.
        (_fd, compacted._fd) = (compacted._fd, _fd);
        Length = compacted.Length;
        _fileLength = compacted._fileLength;
        SyncedLength = compacted.SyncedLength;
        compacted.Dispose();
        UpdateThreshold(state);
        return BlockIo.FSyncParentDirectory(MapPath);
    }

    public void Dispose() => _fd.Dispose();

    private int WriteSnapshot(BlockMapState state)
    {
        Span<BlockMapRecord> one = stackalloc BlockMapRecord[1];
        one[0] = BlockMapRecord.Truncate(state.Size, state.BaseLimit);
        int r = Append(one);
        long limit = state.LimitBlock;
        for (long block = state.Bits.NextWithValue(0, limit, true); r == 0 && block < limit;)
        {
            long runEnd = state.Bits.NextWithValue(block, limit, false);
            one[0] = BlockMapRecord.SetBlocks(block, runEnd - block);
            r = Append(one);
            block = state.Bits.NextWithValue(runEnd, limit, true);
        }
        return r;
    }

    // Compaction pays off once the log is twice what a rewrite would be, and never below a full bitmap's
    // worth: the amortized cost of a record stays O(1) and a dense map never compacts in a loop.
    private void UpdateThreshold(BlockMapState state) =>
        CompactThreshold = Math.Max(MinCompactThreshold, 2 * Math.Max(Length, HeaderSize + (state.Bits.BlockCount / 8)));

    private static void WriteHeader(Span<byte> header, long baseSize)
    {
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], BlockFile.BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], baseSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], Crc32.HashToUInt32(header[..28]));
    }

    private static void Encode(BlockMapRecord record, Span<byte> destination)
    {
        destination.Clear();
        destination[0] = (byte)record.Type;
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], record.A);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], record.B);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Crc32.HashToUInt32(destination[..20]));
    }

    private static bool TryDecode(ReadOnlySpan<byte> source, out BlockMapRecord record)
    {
        record = default;
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[20..]) != Crc32.HashToUInt32(source[..20]))
        {
            return false;
        }
        record = new BlockMapRecord(
            (BlockMapRecordType)source[0],
            BinaryPrimitives.ReadInt64LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[12..]));
        return true;
    }

    /// <summary>Applies the trusted prefix of <paramref name="content"/>; returns its length.</summary>
    private static long Replay(string path, ReadOnlySpan<byte> content, BlockMapState state, (long High, long Low) currentBoot, out bool sameBoot, out long syncedEnd)
    {
        sameBoot = false;
        syncedEnd = 0;
        if (content.Length < HeaderSize)
        {
            // The header is the first write to a new log; a shorter file is a creation cut short, i.e. an empty log.
            return 0;
        }
        ReadOnlySpan<byte> header = content[..HeaderSize];
        if (!header[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a cowstore block map (bad magic)");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32.HashToUInt32(header[..28]))
        {
            throw new InvalidDataException($"{path}: block map header checksum mismatch");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path}: block map format version {version}, this build reads {FormatVersion}");
        }
        uint blockSize = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (blockSize != BlockFile.BlockSize)
        {
            throw new InvalidDataException($"{path}: block size {blockSize}, this build uses {BlockFile.BlockSize}");
        }
        long baseSize = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (baseSize != state.BaseSize)
        {
            throw new InvalidDataException($"{path}: delta was made over a base of {baseSize} bytes, the base now has {state.BaseSize}");
        }

        // Pass 1: the checksummed prefix; where the last Boot and Synced records are.
        long offset = HeaderSize;
        syncedEnd = HeaderSize;
        (long High, long Low)? lastBoot = null;
        for (; offset + RecordSize <= content.Length; offset += RecordSize)
        {
            if (!TryDecode(content.Slice((int)offset, RecordSize), out BlockMapRecord record))
            {
                break;
            }
            if (record.Type == BlockMapRecordType.Boot)
            {
                lastBoot = (record.A, record.B);
            }
            else if (record.Type == BlockMapRecordType.Synced)
            {
                syncedEnd = offset + RecordSize;
            }
        }
        // A bad record is a torn tail only if nothing valid follows it; a valid record behind a bad one
        // cannot come from an interrupted append, so that is corruption.
        for (long later = offset + RecordSize; later + RecordSize <= content.Length; later += RecordSize)
        {
            if (TryDecode(content.Slice((int)later, RecordSize), out _))
            {
                throw new InvalidDataException($"{path}: corrupt block map record at offset {offset} (valid records follow it)");
            }
        }
        // Same boot: the page cache survived, every appended record is backed by its data. Other boot: records
        // after the last Synced marker may have reached disk before their data did, so they are dropped.
        sameBoot = lastBoot == currentBoot;
        long trusted = sameBoot ? offset : syncedEnd;

        // Pass 2: apply the trusted records.
        for (long at = HeaderSize; at < trusted; at += RecordSize)
        {
            TryDecode(content.Slice((int)at, RecordSize), out BlockMapRecord record);
            string? problem = state.Validate(record);
            if (problem is not null)
            {
                throw new InvalidDataException($"{path}: record at offset {at}: {problem}");
            }
            state.Apply(record);
        }
        return trusted;
    }
}
