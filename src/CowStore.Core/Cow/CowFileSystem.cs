using System.Collections.Concurrent;
using System.Text;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Cow;

/// <summary>
/// A read-only base directory presented as a writable one: every change lands in the session delta
/// (DeltaDirectory), the base is never touched. Metadata lives in <see cref="DeltaState"/> and is made
/// persistent by the <see cref="MetadataJournal"/>; file contents are block-level copy-on-write
/// <see cref="BlockFile"/>s keyed by inode. Layout and crash argument: docs/FORMAT.md.
/// </summary>
/// <remarks>
/// One namespace lock serializes metadata operations; Read/Write find their <see cref="BlockFile"/>
/// through the open handle and never take it.
/// </remarks>
public sealed unsafe partial class CowFileSystem : IFuseFileSystem, IDisposable
{
    private const string LockFileName = "lock";
    private const string DataDirectoryName = "data";
    // A journal above this is compacted at Open; above RuntimeCheckpointBytes while mounted.
    private const long OpenCheckpointBytes = 1L << 20;
    private const long RuntimeCheckpointBytes = 64L << 20;

    private readonly Lock _ns = new();
    // Data writes (which do not take _ns) hold it shared; a snapshot capture holds it exclusively: a point in time.
    private readonly ReaderWriterLockSlim _freeze = new(LockRecursionPolicy.NoRecursion);
    private readonly CowOptions _options;
    private readonly ILowerTree _base;
    private readonly BaseTree _external;
    private readonly Snapshots.LowerSnapshot? _lowerSnapshot;
    private readonly string _deltaDirectory;
    private readonly string _dataDirectory;
    private readonly ulong _rootIno;
    private readonly DeltaState _state;
    private readonly SafeFd _lockFd;
    private readonly Dictionary<ulong, CowNode> _nodes = [];
    private readonly Dictionary<ulong, FileData> _data = [];
    private readonly ConcurrentDictionary<ulong, OpenFile> _files = new();
    private readonly ConcurrentDictionary<ulong, OpenDirectory> _directories = new();
    // Open directory handles per inode (changed under _ns): a directory removed while open lives until the last ReleaseDir.
    private readonly Dictionary<ulong, int> _openDirectoryCounts = [];
    // Open directories removed by rmdir (not renamed over): they show st_size 0, as ext4 reports them.
    private readonly HashSet<ulong> _rmdirWhileOpen = [];
    private MetadataJournal _journal;
    private long _nextCheckpointBytes = RuntimeCheckpointBytes;
    private long _runtimeCheckpointThreshold = RuntimeCheckpointBytes;
    private long _nextHandle;
    private bool _closed;
    private int _closeResult;

    private CowFileSystem(CowOptions options, ILowerTree lower, string deltaDirectory, ulong rootIno, DeltaState state, MetadataJournal journal, SafeFd lockFd)
    {
        _options = options;
        _base = lower;
        _external = lower as BaseTree ?? new BaseTree(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.BaseDirectory)));
        _lowerSnapshot = options.Snapshot;
        _deltaDirectory = deltaDirectory;
        _dataDirectory = Path.Combine(deltaDirectory, DataDirectoryName);
        _rootIno = rootIno;
        _state = state;
        _journal = journal;
        _lockFd = lockFd;
        // The kernel holds one implicit lookup of the root for the life of the mount.
        _nodes[IFuseFileSystem.RootNodeId] = new CowNode(rootIno, "") { Lookups = 1 };
    }

    /// <summary>
    /// Opens (or creates) the session delta over the base and locks it (flock on DeltaDirectory/lock)
    /// for the life of the object.
    /// </summary>
    /// <exception cref="CowSessionLockedException">Another process or object holds the session.</exception>
    /// <exception cref="InvalidDataException">The delta is corrupt, of an unknown version, or belongs to another base.</exception>
    /// <exception cref="DirectoryNotFoundException">The base directory is missing.</exception>
    public static CowFileSystem Open(CowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string baseDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.BaseDirectory));
        if (!Directory.Exists(baseDirectory))
        {
            throw new DirectoryNotFoundException($"base directory {baseDirectory} does not exist");
        }
        string deltaDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DeltaDirectory));
        Directory.CreateDirectory(deltaDirectory);
        string dataDirectory = Path.Combine(deltaDirectory, DataDirectoryName);
        Directory.CreateDirectory(dataDirectory);

        SafeFd lockFd = LockSession(deltaDirectory);
        try
        {
            ILowerTree lower = options.Snapshot is null ? new BaseTree(baseDirectory) : options.Snapshot.Over(new BaseTree(baseDirectory));
            int rc = lower.Lstat("", out Stat rootStat);
            if (rc != 0)
            {
                throw new DirectoryNotFoundException($"cannot stat base directory {baseDirectory}: errno {-rc}");
            }
            ulong rootIno = BaseTree.InoOf(rootStat, "");
            string journalPath = Path.Combine(deltaDirectory, MetadataJournal.FileName);
            var state = new DeltaState();
            bool exists = File.Exists(journalPath);
            bool clean = MetadataJournal.Replay(journalPath, rootIno, state);

            // Inodes whose last name went away while open die with the process that had them open
            // (only such a directory has nlink 0 in its record).
            List<ulong> orphans = [.. state.Inodes.Values.Where(r => r.Nlink == 0).Select(r => r.Ino)];
            foreach (ulong ino in orphans)
            {
                state.Inodes.Remove(ino);
                state.RemoveDirectory(ino);
            }
            MetadataJournal journal = !exists || !clean || orphans.Count > 0 || new FileInfo(journalPath).Length > OpenCheckpointBytes
                ? MetadataJournal.WriteCheckpoint(deltaDirectory, rootIno, state)
                : MetadataJournal.OpenForAppend(journalPath);
            if (journal.Sync() is int syncRc && syncRc != 0)
            {
                journal.Dispose();
                throw new IOException($"cannot make the journal in {deltaDirectory} durable: errno {-syncRc}", -syncRc);
            }
            try
            {
                RemoveUnreferencedData(dataDirectory, state);
            }
            catch
            {
                journal.Dispose();
                throw;
            }
            return new CowFileSystem(options, lower, deltaDirectory, rootIno, state, journal, lockFd);
        }
        catch
        {
            lockFd.Dispose();
            throw;
        }
    }

    /// <summary>Allocated bytes of the delta directory on disk (st_blocks, so sparse data counts as stored).</summary>
    public static long MeasureDeltaBytes(string deltaDirectory)
    {
        long total = 0;
        var pending = new Stack<string>();
        pending.Push(Path.GetFullPath(deltaDirectory));
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            foreach (FileSystemInfo info in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                byte[] path = Encoding.UTF8.GetBytes(info.FullName + "\0");
                fixed (byte* p = path)
                {
                    if (Libc.FStatAt(AT_FDCWD, p, out Stat stat, AT_SYMLINK_NOFOLLOW) == 0)
                    {
                        total += stat.Blocks * 512;
                        if ((stat.Mode & S_IFMT) == S_IFDIR)
                        {
                            pending.Push(info.FullName);
                        }
                    }
                }
            }
        }
        return total;
    }

    /// <summary>Journal size that triggers compaction while mounted (tests lower it to exercise the swap).</summary>
    internal long RuntimeCheckpointThreshold
    {
        get => _runtimeCheckpointThreshold;
        set
        {
            lock (_ns)
            {
                _runtimeCheckpointThreshold = value;
                _nextCheckpointBytes = value;
            }
        }
    }

    /// <summary>Current journal size in bytes.</summary>
    internal long JournalLength
    {
        get
        {
            lock (_ns)
            {
                return _journal.Length;
            }
        }
    }

    public void Init(FuseConnection connection)
    {
    }

    /// <summary>Unmount: a durable close (errors are kept for <see cref="Dispose"/> to report).</summary>
    public void Destroy() => Close();

    /// <summary>Durable close: syncs every file and the journal, then releases the session lock.</summary>
    /// <exception cref="IOException">A sync failed; what was synced before stays durable.</exception>
    public void Dispose()
    {
        int rc = Close();
        if (rc != 0)
        {
            throw new IOException($"closing the session delta {_deltaDirectory} failed: errno {-rc}", -rc);
        }
    }

    /// <summary>Syncs and closes everything once; 0 or the first -errno.</summary>
    internal int Close()
    {
        lock (_ns)
        {
            if (_closed)
            {
                return _closeResult;
            }
            int first = 0;
            foreach (FileData data in _data.Values)
            {
                if (data.Blocks.IsModified)
                {
                    int rc = data.Blocks.Sync(dataOnly: false);
                    first = first != 0 ? first : rc;
                }
            }
            int timesRc = JournalDirtyTimes(_state.Inodes.Values);
            first = first != 0 ? first : timesRc;
            int journalRc = _journal.Sync();
            first = first != 0 ? first : journalRc;
            _closed = true;
            ReleaseResources();
            _closeResult = first;
            return first;
        }
    }

    /// <summary>
    /// Simulates kill -9 for tests: closes every fd without syncing or journaling anything more, and
    /// releases the lock. What was acknowledged is in the page cache, as after a killed daemon.
    /// </summary>
    internal void Abandon()
    {
        lock (_ns)
        {
            if (!_closed)
            {
                _closed = true;
                ReleaseResources();
            }
        }
    }

    private void ReleaseResources()
    {
        foreach (FileData data in _data.Values)
        {
            data.Blocks.Dispose();
        }
        _data.Clear();
        _files.Clear();
        _directories.Clear();
        _openDirectoryCounts.Clear();
        _rmdirWhileOpen.Clear();
        _journal.Dispose();
        _lockFd.Dispose();
    }

    private static SafeFd LockSession(string deltaDirectory)
    {
        byte[] path = Encoding.UTF8.GetBytes(Path.Combine(deltaDirectory, LockFileName) + "\0");
        int fd;
        fixed (byte* p = path)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, p, O_RDWR | O_CREAT, 0x180);
        }
        if (fd < 0)
        {
            throw new IOException($"cannot open the session lock in {deltaDirectory}: errno {-fd}", -fd);
        }
        var lockFd = new SafeFd(fd);
        while (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            int errno = Libc.Errno;
            if (errno == EINTR)
            {
                continue;
            }
            lockFd.Dispose();
            if (errno == Errno.EAGAIN)
            {
                throw new CowSessionLockedException($"the session {deltaDirectory} is in use by another process");
            }
            throw new IOException($"cannot lock the session {deltaDirectory}: errno {errno}", errno);
        }
        return lockFd;
    }

    /// <summary>Deletes block data whose inode has no record (deleted inodes, crashes between journal and delete).</summary>
    private static void RemoveUnreferencedData(string dataDirectory, DeltaState state)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFileSystemEntries(dataDirectory))
        {
            string name = Path.GetFileName(file);
            if (name.Length >= 16 && ulong.TryParse(name.AsSpan(0, 16), System.Globalization.NumberStyles.AllowHexSpecifier, null, out ulong ino)
                && !(state.Inodes.TryGetValue(ino, out InodeRecord? record) && record.IsRegular))
            {
                prefixes.Add(Path.Combine(dataDirectory, name[..16]));
            }
        }
        foreach (string prefix in prefixes)
        {
            BlockFile.Delete(prefix);
        }
    }

    private string DataPrefix(ulong ino) => Path.Combine(_dataDirectory, ino.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));

    private ulong NextHandle() => (ulong)Interlocked.Increment(ref _nextHandle);
}
