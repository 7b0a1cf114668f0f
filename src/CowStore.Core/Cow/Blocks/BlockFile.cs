using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// Content of one regular file = an optional read-only base file + a block delta.
/// </summary>
/// <remarks>
/// The delta is two files: <c>prefix.data</c>, a sparse file holding delta blocks at their logical offsets
/// (a delta read is one pread, holes read as zeros, SEEK_DATA/SEEK_HOLE come from the kernel), and
/// <c>prefix.map</c>, an append-only log of map records (<see cref="BlockMapLog"/>, docs/FORMAT.md, "Block delta of one file").
/// Block i comes from the data file when i*B &gt;= BaseLimit or its bit is set, else from the base.
/// Invariant: the data file reads as zeros at and past <see cref="Size"/>, so growing the file never
/// exposes stale bytes (Open re-establishes it after a crash by truncating the data file to Size).
/// Locking: reads and in-place writes of delta blocks share a reader lock and run their I/O in parallel;
/// anything that changes the map (first write to a base block, growth, truncate, fallocate) takes the
/// writer lock, which is rare in steady state (each base block is copied at most once).
/// At most one live BlockFile per delta prefix: the map log's append position is tracked in memory.
/// </remarks>
public sealed partial class BlockFile : IDisposable
{
    /// <summary>Matches page size and ext4 blocks: page-aligned DB writes (PG 8 KiB, Neo4j 8 KiB pages) never need a read-modify-write of base data.</summary>
    public const int BlockSize = 4096;

    /// <summary>Largest size accepted; keeps all block arithmetic far from overflow. The backing filesystem may allow less (EFBIG).</summary>
    internal const long MaxFileSize = long.MaxValue / 4;

    private const string DataSuffix = ".data";
    private const string MapSuffix = ".map";

    private readonly string _dataPath;
    private readonly string _mapPath;
    private readonly IBlockSource? _base;
    private readonly BlockMapState _map;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private SafeFd? _data;          // null until the first modification creates the delta files
    private BlockMapLog? _log;      // null exactly when _data is null
    private byte[]? _scratch;       // one block for read-merge-write; only used under the writer lock
    private volatile bool _directoryDurable;
    private volatile int _failedErrno; // set when memory and disk may disagree: every later change fails
    private bool _disposed;

    private BlockFile(string deltaPathPrefix, IBlockSource? baseFd, BlockMapState map)
    {
        _dataPath = deltaPathPrefix + DataSuffix;
        _mapPath = deltaPathPrefix + MapSuffix;
        _base = baseFd;
        _map = map;
    }

    /// <summary>Logical size of the file.</summary>
    public long Size => _map.Size; // an aligned long read is atomic on 64-bit

    /// <summary>Bytes the delta occupies on disk (allocated blocks of data + map files).</summary>
    public long DeltaBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                if (_data is null || _log is null)
                {
                    return 0;
                }
                return Math.Max(0, BlockIo.AllocatedBytes(_data)) + Math.Max(0, _log.AllocatedBytes);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// False while this file never created or opened delta files: deleting it then has nothing to remove
    /// (stale files under the prefix, from an inode number used before a crash, are swept at open).
    /// </summary>
    public bool HasDeltaFiles => Volatile.Read(ref _data) is not null;

    /// <summary>True when any block or size change lives in the delta (false: the file is still pure base).</summary>
    public bool IsModified
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _map.IsModified;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Creates the delta for a file. <paramref name="basePath"/> null = a new file (no base, size 0).
    /// Writes nothing to disk until the first modification; stale delta files under the prefix are then replaced.
    /// </summary>
    public static BlockFile Create(string deltaPathPrefix, string? basePath, long baseSize) =>
        CreateOver(deltaPathPrefix, OpenBase(basePath, baseSize), baseSize);

    /// <summary>As <see cref="Create(string, string?, long)"/> over any read-only source (taken over: disposed with the file).</summary>
    public static BlockFile CreateOver(string deltaPathPrefix, IBlockSource? source, long baseSize)
    {
        CheckBase(source, baseSize);
        return new BlockFile(deltaPathPrefix, source, new BlockMapState(baseSize));
    }

    /// <summary>
    /// Reopens after restart or crash from what is on disk under <paramref name="deltaPathPrefix"/>. No map file
    /// means nothing was ever recorded: the file is the pure base. A torn map tail is cut off; any other
    /// damage throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static BlockFile Open(string deltaPathPrefix, string? basePath, long baseSize) =>
        OpenOver(deltaPathPrefix, OpenBase(basePath, baseSize), baseSize);

    /// <summary>As <see cref="Open(string, string?, long)"/> over any read-only source (taken over: disposed with the file, also on failure).</summary>
    public static BlockFile OpenOver(string deltaPathPrefix, IBlockSource? baseFd, long baseSize)
    {
        try
        {
            CheckBase(baseFd, baseSize);
        }
        catch
        {
            baseFd?.Dispose();
            throw;
        }
        var map = new BlockMapState(baseSize);
        var file = new BlockFile(deltaPathPrefix, baseFd, map);
        try
        {
            // A leftover temp map is a compaction that never got renamed: the real map is still complete.
            int r = BlockIo.UnlinkIfExists(file._mapPath + ".tmp");
            if (r < 0)
            {
                throw BlockIo.ErrnoException(-r, "unlink", file._mapPath + ".tmp");
            }
            if (!File.Exists(file._mapPath))
            {
                return file;
            }
            file._log = BlockMapLog.OpenAndReplay(file._mapPath, map);
            file._data = BlockIo.OpenOrThrow(file._dataPath, PosixConstants.O_RDWR | PosixConstants.O_CREAT);
            // Bytes past Size in the data file come from writes whose map record never made it (the write was
            // not acknowledged) or from a truncate whose ftruncate did not: both must read as zeros if the file grows.
            long dataLength = BlockIo.FileLength(file._data);
            r = dataLength < 0 ? (int)dataLength : dataLength > map.Size ? BlockIo.FTruncate(file._data, map.Size) : 0;
            if (r < 0)
            {
                throw BlockIo.ErrnoException(-r, "trim", file._dataPath);
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>True when a delta map exists under the prefix (Open would find recorded state).</summary>
    public static bool Exists(string deltaPathPrefix) => File.Exists(deltaPathPrefix + MapSuffix);

    /// <summary>
    /// Removes the delta files (map first: without it the data is unreachable). <paramref name="durable"/>: fsync the
    /// directory too, when anything was removed. A caller whose own log already records the deletion (and sweeps
    /// leftovers on open) can skip it: a directory fsync per unlink would dominate small-file workloads.
    /// </summary>
    public static void Delete(string deltaPathPrefix, bool durable = true)
    {
        bool removed = false;
        foreach (string path in new[] { deltaPathPrefix + MapSuffix, deltaPathPrefix + MapSuffix + ".tmp", deltaPathPrefix + DataSuffix })
        {
            int r = BlockIo.UnlinkIfExists(path);
            if (r < 0)
            {
                throw BlockIo.ErrnoException(-r, "unlink", path);
            }
            removed |= r == 1;
        }
        int synced = durable && removed ? BlockIo.FSyncParentDirectory(deltaPathPrefix) : 0;
        if (synced < 0)
        {
            throw BlockIo.ErrnoException(-synced, "fsync directory of", deltaPathPrefix);
        }
    }

    /// <summary>
    /// Closes the file. Map records not yet behind a Synced marker are synced first (best effort, errors are
    /// not reportable here): a clean reboot keeps the page cache's content, but reopening under another boot
    /// trusts only synced records, so without this a clean shutdown would drop changes made since the last fsync.
    /// </summary>
    public void Dispose()
    {
        BlockMapLog? log = _log;
        if (!_disposed && log is not null && log.Length > log.SyncedLength)
        {
            _ = Sync(dataOnly: false);
        }
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _data?.Dispose();
            _log?.Dispose();
            _base?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        // The lock itself is not disposed: a caller racing with Dispose gets -EBADF, not an exception.
    }

    /// <summary>
    /// Test hook for a killed daemon: closes the descriptors without syncing anything, as process death would.
    /// (Dropping the object instead would leave a live log writer behind whose Dispose could append later.)
    /// </summary>
    internal void Abandon()
    {
        _lock.EnterWriteLock();
        try
        {
            _disposed = true;
            _data?.Dispose();
            _log?.Dispose();
            _base?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private static FileBlockSource? OpenBase(string? basePath, long baseSize)
    {
        CheckBase(null, basePath is null ? baseSize : 0);
        return basePath is null ? null : FileBlockSource.Open(basePath);
    }

    private static void CheckBase(IBlockSource? source, long baseSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(baseSize, MaxFileSize);
        if (source is null && baseSize != 0)
        {
            throw new ArgumentException("a file without base must have baseSize 0", nameof(baseSize));
        }
    }

    /// <summary>Errno that blocks modifications: closed object, or an earlier failure that left disk and memory apart.</summary>
    private int ModificationBlocked() => _disposed ? -Errno.EBADF : -_failedErrno;

    /// <summary>Creates the delta files on the first modification (map first, so a map never sits next to an older data file it does not describe).</summary>
    private int EnsureCreated()
    {
        if (_log is not null)
        {
            return 0;
        }
        int r = BlockMapLog.TryCreate(_mapPath, _map.BaseSize, out BlockMapLog? log);
        if (r < 0)
        {
            return r;
        }
        int fd = BlockIo.Open(_dataPath, PosixConstants.O_RDWR | PosixConstants.O_CREAT | PosixConstants.O_TRUNC);
        if (fd < 0)
        {
            log!.Dispose(); // an empty map means "pure base": harmless if left behind
            return fd;
        }
        _data = new SafeFd(fd);
        _log = log;
        _directoryDurable = false;
        return 0;
    }

    /// <summary>Appends one record and applies it to the in-memory map only if the append succeeded.</summary>
    private int Record(BlockMapRecord record)
    {
        ReadOnlySpan<BlockMapRecord> one = [record];
        int r = _log!.Append(one);
        if (r == 0)
        {
            _map.Apply(record);
        }
        return r;
    }
}
