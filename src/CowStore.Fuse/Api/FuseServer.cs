using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Protocol;
using CowStore.Fuse.Transport;

namespace CowStore.Fuse;

/// <summary>
/// Mounts an <see cref="IFuseFileSystem"/> and serves it on dedicated reader threads until unmounted.
/// </summary>
public sealed class FuseServer : IDisposable
{
    // Room for the largest request (in header + write_in + max_write) and any reply, with a margin for
    // names and xattr values (XATTR_SIZE_MAX is 64 KiB).
    private const int BufferMargin = 64 * 1024;
    private const int MinReadBuffer = 8192; // FUSE_MIN_READ_BUFFER
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RegisterTimeout = TimeSpan.FromSeconds(10);

    private readonly IFuseFileSystem _fileSystem;
    private readonly string _mountPoint;
    private readonly FuseMountOptions _options;
    private readonly FuseLog _log;
    private readonly MountedDevice _device;
    private readonly FuseDispatcher _dispatcher;
    private readonly List<FileDescriptorHandle> _clones = [];
    private readonly List<NativeBuffer> _buffers = [];
    private readonly List<FuseReader> _readers = [];
    private readonly List<FuseRingWorker> _ringWorkers = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lifecycle = new();
    private int _runningServiceThreads;
    private int _destroyed;
    private bool _initialized;
    private bool _cloneRefused;
    private bool _freeWhenStopped;
    private int _freed;
    private bool _mounted = true;
    private bool _disposed;
    private int? _connectionId;

    private FuseServer(IFuseFileSystem fileSystem, string mountPoint, FuseMountOptions options, FuseLog log, MountedDevice device)
    {
        _fileSystem = fileSystem;
        _mountPoint = mountPoint;
        _options = options;
        _log = log;
        _device = device;
        Connection = new FuseConnection();
        Connection.Attach(device.Session);
        _dispatcher = new FuseDispatcher(fileSystem, log, DestroyOnce, Connection);
    }

    /// <summary>
    /// Mounts at <paramref name="mountPoint"/> (root: mount(2); otherwise fusermount3) and returns once
    /// INIT has been answered and the mount is live.
    /// </summary>
    /// <exception cref="FuseMountException">The mountpoint is unusable or the mount or INIT failed.</exception>
    public static FuseServer Mount(IFuseFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(mountPoint);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);

        string fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mountPoint));
        MountPoints.Validate(fullPath);

        bool direct = Libc.GetEUid() == 0 && !options.ForceFusermount;
        MountedDevice device = direct ? DirectMounter.Mount(fullPath, options) : FusermountMounter.Mount(fullPath, options);
        var server = new FuseServer(fileSystem, fullPath, options, new FuseLog(options.Log), device);
        try
        {
            server.Start();
            return server;
        }
        catch (Exception exception)
        {
            server.AbortMount();
            throw exception is FuseMountException ? exception : new FuseMountException($"cannot mount {fullPath}: {exception.Message}", exception);
        }
    }

    public FuseConnection Connection { get; }

    /// <summary>Completes when the kernel ends the connection (unmount, abort).</summary>
    public Task Completion => _completion.Task;

    /// <summary>Where the filesystem is mounted (absolute).</summary>
    public string MountPoint => _mountPoint;

    /// <summary>Requests answered so far, through /dev/fuse and through each io_uring queue.</summary>
    public FuseRequestCounts RequestCounts
    {
        get
        {
            long[] queues = new long[_ringWorkers.Count == 0 ? 0 : _ringWorkers.Max(worker => worker.Queue) + 1];
            foreach (FuseRingWorker worker in _ringWorkers)
            {
                queues[worker.Queue] += worker.Served;
            }
            return new FuseRequestCounts(_readers.Sum(reader => reader.Served), queues);
        }
    }

    /// <summary>Unmounts (umount2 or fusermount3 -u) and waits for the readers to stop.</summary>
    /// <remarks>
    /// A lazy unmount detaches the name at once but the connection lives on while files stay open, and the
    /// readers keep serving them; this waits a few seconds for that and then returns.
    /// </remarks>
    /// <exception cref="IOException">The mount stayed busy (non-lazy) or the unmount failed.</exception>
    public void Unmount(bool lazy = false)
    {
        UnmountOnce(lazy);
        _completion.Task.Wait(lazy ? TimeSpan.FromSeconds(5) : StopTimeout);
    }

    public void Dispose()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        try
        {
            Unmount(lazy: false);
        }
        catch (IOException exception)
        {
            _log.Warn($"unmount of {_mountPoint} failed ({exception.Message}); detaching lazily");
            try
            {
                UnmountOnce(lazy: true);
            }
            catch (IOException lazyException)
            {
                _log.Warn($"lazy unmount of {_mountPoint} failed: {lazyException.Message}");
            }
        }
        // Open files keep a lazily detached connection alive: abort it (fusectl) so no reader stays blocked.
        if (!_completion.Task.IsCompleted && AbortConnection())
        {
            _completion.Task.Wait(TimeSpan.FromSeconds(5));
        }
        ReleaseResources();
    }

    private void UnmountOnce(bool lazy)
    {
        lock (_lifecycle)
        {
            if (_mounted && !_completion.Task.IsCompleted)
            {
                UnmountWithRetries(lazy);
            }
            _mounted = false;
        }
    }

    private static void ValidateOptions(FuseMountOptions options)
    {
        if (options.MaxWrite < 4096 || options.MaxWrite % 4096 != 0 || options.MaxWrite / 4096 > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxWrite, "MaxWrite must be a multiple of 4096 between 4 KiB and 256 MiB");
        }
        if (options.ReaderThreads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ReaderThreads, "ReaderThreads must be at least 1");
        }
        if (options.RingEntriesPerCpu < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RingEntriesPerCpu, "RingEntriesPerCpu must be at least 1");
        }
    }

    /// <summary>Answers INIT on the calling thread, then starts the readers and io_uring entries.</summary>
    private void Start()
    {
        int bufferSize = Math.Max(MinReadBuffer, _options.MaxWrite + BufferMargin);
        NativeBuffer request = Allocate(bufferSize);
        NativeBuffer reply = Allocate(bufferSize);
        AnswerInit(request, reply);
        _connectionId = MountPoints.FindMount(_mountPoint)?.Minor;

        // With io_uring the readers carry only FORGET and INTERRUPT: one is enough.
        _runningServiceThreads = _ringWorkers.Count;
        StartReaders(Connection.IoUringEnabled ? 1 : _options.ReaderThreads, bufferSize, request, reply);
        // The kernel accepts registrations only now that INIT is answered; until every queue has one it
        // holds new requests back.
        foreach (FuseRingWorker worker in _ringWorkers)
        {
            worker.Start();
        }
        if (_ringWorkers.Count > 0 && !AllRegistered())
        {
            int refused = FuseRingWorker.Refuse(_device.Session.Fd);
            _log.Warn($"io_uring entries could not all be registered; serving through /dev/fuse (the kernel answered {refused})");
            Connection.IoUringEnabled = false;
            StartReaders(_options.ReaderThreads - _readers.Count, bufferSize, null, null);
        }
    }

    /// <summary>Starts <paramref name="count"/> more readers, each on its own cloned fd where permitted.</summary>
    private void StartReaders(int count, int bufferSize, NativeBuffer? firstRequest, NativeBuffer? firstReply)
    {
        for (int i = 0; i < count; i++)
        {
            int index = _readers.Count;
            // Without clones (no access to /dev/fuse) the extra readers share the session fd.
            int fd = index == 0 ? _device.Session.Fd : CloneDevice()?.Fd ?? _device.Session.Fd;
            NativeBuffer readerRequest = i == 0 && firstRequest is not null ? firstRequest : Allocate(bufferSize);
            NativeBuffer readerReply = i == 0 && firstReply is not null ? firstReply : Allocate(bufferSize);
            var reader = new FuseReader(index, fd, readerRequest, readerReply, _dispatcher, _log, ServiceThreadStopped);
            _readers.Add(reader);
            Interlocked.Increment(ref _runningServiceThreads);
            reader.Start();
        }
    }

    private bool AllRegistered()
    {
        Task<bool>[] registered = [.. _ringWorkers.Select(worker => worker.Registered)];
        return Task.WaitAll(registered, RegisterTimeout) && Array.TrueForAll(registered, task => task.Result);
    }

    /// <summary>
    /// Sets up the io_uring entries (before INIT is answered: agreeing to io_uring and then failing to
    /// register would stall the mount); false, with the entries freed, when io_uring cannot be used.
    /// </summary>
    private bool PrepareRingWorkers()
    {
        // The kernel's payload buffer minimum: max(FUSE_MIN_READ_BUFFER, max_write, max_pages pages).
        int payloadSize = Math.Max(MinReadBuffer, _options.MaxWrite);
        IReadOnlyList<int> possible = CpuSet.Possible();
        var online = new HashSet<int>(CpuSet.Online());
        for (int queue = 0; queue < possible.Count; queue++)
        {
            // A queue per possible CPU (the kernel routes by the caller's CPU number); offline CPUs never
            // send, but the kernel wants every queue registered before it uses the ring.
            int cpu = possible[queue];
            bool isOnline = online.Contains(cpu);
            int entries = isOnline ? _options.RingEntriesPerCpu : 1;
            for (int index = 0; index < entries; index++)
            {
                FuseRingWorker? worker = FuseRingWorker.Create(queue, index, isOnline ? cpu : -1, _device.Session.Fd, payloadSize,
                    _dispatcher, _log, ServiceThreadStopped, out int errno);
                if (worker is null)
                {
                    _log.Warn($"io_uring_setup failed ({Libc.Describe(errno)}); serving through /dev/fuse");
                    DiscardRingWorkers();
                    return false;
                }
                _ringWorkers.Add(worker);
            }
        }
        return true;
    }

    /// <summary>Drops entries that were never started (the list is fixed once the server runs).</summary>
    private void DiscardRingWorkers()
    {
        foreach (FuseRingWorker worker in _ringWorkers)
        {
            worker.Free();
        }
        _ringWorkers.Clear();
    }

    private unsafe void AnswerInit(NativeBuffer request, NativeBuffer reply)
    {
        int fd = _device.Session.Fd;
        int length;
        do
        {
            length = DeviceIo.ReadRequest(fd, request);
        }
        while (length == -Errno.EINTR || length == -Errno.EAGAIN || length == -Errno.ENOENT);
        if (length < 0)
        {
            throw new FuseMountException($"cannot mount {_mountPoint}: reading INIT failed: {Libc.Describe(-length)}");
        }

        ref readonly FuseInHeader header = ref MemoryMarshal.AsRef<FuseInHeader>(request.Span);
        if (length < FuseDispatcher.InHeaderSize + 16 || header.Opcode != (uint)FuseOpcode.Init)
        {
            throw new FuseMountException($"cannot mount {_mountPoint}: expected INIT, got {FuseLog.DescribeOpcode(header.Opcode)}");
        }
        // Kernels without FUSE_INIT_EXT send a 16-byte fuse_init_in; read it through a zero-padded copy.
        FuseInitIn kernel = default;
        request.Span.Slice(FuseDispatcher.InHeaderSize, Math.Min(length - FuseDispatcher.InHeaderSize, sizeof(FuseInitIn)))
            .CopyTo(new Span<byte>(&kernel, sizeof(FuseInitIn)));

        ref FuseOutHeader outHeader = ref MemoryMarshal.AsRef<FuseOutHeader>(reply.Span);
        outHeader = new FuseOutHeader { Unique = header.Unique, Len = (uint)sizeof(FuseOutHeader) };
        if (kernel.Major != InitNegotiation.Major)
        {
            outHeader.Error = -71; // EPROTO
            DeviceIo.WriteMessage(fd, reply.Pointer, sizeof(FuseOutHeader));
            throw new FuseMountException($"cannot mount {_mountPoint}: kernel speaks FUSE {kernel.Major}.{kernel.Minor}, we need 7.x");
        }

        bool ringsReady = InitNegotiation.WantsIoUring(kernel, _options) && PrepareRingWorkers();
        FuseInitOut answer = InitNegotiation.Negotiate(kernel, _options, Capabilities.HasSysAdmin(), ringsReady, out Kernel.FuseInitFlags negotiated);
        Connection.KernelMinor = kernel.Minor;
        Connection.KernelFlags = InitNegotiation.Offered(kernel);
        Connection.NegotiatedFlags = negotiated;
        Connection.ProtocolMinor = answer.Minor;
        Connection.MaxWrite = (int)answer.MaxWrite;
        Connection.PassthroughEnabled = negotiated.HasFlag(Kernel.FuseInitFlags.Passthrough);
        Connection.WritebackCacheEnabled = negotiated.HasFlag(Kernel.FuseInitFlags.WritebackCache);
        Connection.IoUringEnabled = negotiated.HasFlag(Kernel.FuseInitFlags.OverIoUring);

        try
        {
            _initialized = true;
            _fileSystem.Init(Connection);
        }
        catch (Exception exception)
        {
            outHeader.Error = -Errno.EIO;
            DeviceIo.WriteMessage(fd, reply.Pointer, sizeof(FuseOutHeader));
            throw new FuseMountException($"cannot mount {_mountPoint}: filesystem Init failed: {exception.Message}", exception);
        }

        MemoryMarshal.Write(reply.Span[sizeof(FuseOutHeader)..], in answer);
        outHeader.Len = (uint)(sizeof(FuseOutHeader) + sizeof(FuseInitOut));
        int written = DeviceIo.WriteMessage(fd, reply.Pointer, (int)outHeader.Len);
        if (written < 0)
        {
            throw new FuseMountException($"cannot mount {_mountPoint}: INIT reply rejected: {Libc.Describe(-written)}");
        }
    }

    /// <summary>A new /dev/fuse fd attached to our connection (FUSE_DEV_IOC_CLONE), or null when not permitted.</summary>
    private unsafe FileDescriptorHandle? CloneDevice()
    {
        if (_cloneRefused)
        {
            return null;
        }
        int fd = Libc.Open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            // Expected for unprivileged users (fusermount3 opened the device for us): readers share one fd.
            int errno = Libc.Errno;
            if (errno != Errno.EACCES && errno != Errno.EPERM)
            {
                _log.Warn($"cannot open /dev/fuse to clone the connection ({Libc.Describe(errno)}); readers share one fd");
            }
            _cloneRefused = true;
            return null;
        }
        var clone = new FileDescriptorHandle(fd);
        uint session = (uint)_device.Session.Fd;
        if (Libc.Ioctl(fd, DeviceIoctl.Clone, &session) != 0)
        {
            _log.Warn($"FUSE_DEV_IOC_CLONE failed ({Libc.Describe(Libc.Errno)}); readers share one fd");
            clone.Dispose();
            _cloneRefused = true;
            return null;
        }
        _clones.Add(clone);
        return clone;
    }

    private NativeBuffer Allocate(int size)
    {
        var buffer = new NativeBuffer(size);
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>A reader or io_uring entry ended; the last one ends the connection's service.</summary>
    private void ServiceThreadStopped()
    {
        if (Interlocked.Decrement(ref _runningServiceThreads) == 0)
        {
            DestroyOnce();
            _completion.TrySetResult();
            // Every reader is past its last use of its buffer and fd here.
            if (Volatile.Read(ref _freeWhenStopped))
            {
                FreeOnce();
            }
        }
    }

    private void DestroyOnce()
    {
        if (Interlocked.Exchange(ref _destroyed, 1) != 0)
        {
            return;
        }
        try
        {
            _fileSystem.Destroy();
        }
        catch (Exception exception)
        {
            _log.Warn($"filesystem Destroy threw: {exception}");
        }
    }

    private void UnmountWithRetries(bool lazy)
    {
        // EBUSY right after the last close is common: the kernel may still be releasing files.
        const int Attempts = 5;
        for (int attempt = 1; ; attempt++)
        {
            int errno = _device.ViaFusermount ? FusermountUnmount(lazy, out string message) : DirectUnmount(lazy, out message);
            if (errno == 0)
            {
                return;
            }
            if (errno != Errno.EBUSY || attempt == Attempts)
            {
                throw new IOException($"cannot unmount {_mountPoint}: {message}");
            }
            Thread.Sleep(10 << attempt);
        }
    }

    private int DirectUnmount(bool lazy, out string message)
    {
        message = "";
        if (Libc.Umount2(_mountPoint, lazy ? Libc.MNT_DETACH : 0) == 0)
        {
            return 0;
        }
        int errno = Libc.Errno;
        // EINVAL: no longer a mount point (someone else unmounted it); the readers see ENODEV.
        if (errno == Errno.EINVAL || errno == Errno.ENOENT)
        {
            return 0;
        }
        message = Libc.Describe(errno);
        return errno;
    }

    private int FusermountUnmount(bool lazy, out string message)
    {
        if (FusermountMounter.Unmount(_mountPoint, lazy, out message) == 0)
        {
            return 0;
        }
        if (message.Contains("busy", StringComparison.OrdinalIgnoreCase))
        {
            return Errno.EBUSY;
        }
        // "entry for ... not found in /etc/mtab" / "not mounted": already gone.
        if (message.Contains("not found", StringComparison.OrdinalIgnoreCase) || message.Contains("not mounted", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }
        return Errno.EIO;
    }

    /// <summary>Ends the connection through fusectl: every blocked reader returns and pending requests fail.</summary>
    private bool AbortConnection()
    {
        if (_connectionId is not int id)
        {
            return false;
        }
        string abort = string.Create(CultureInfo.InvariantCulture, $"/sys/fs/fuse/connections/{id}/abort");
        try
        {
            File.WriteAllText(abort, "1");
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _log.Warn($"cannot abort FUSE connection {id} (is fusectl mounted on /sys/fs/fuse/connections?): {exception.Message}");
            return false;
        }
    }

    /// <summary>Mount succeeded but INIT did not: take the mount down again before reporting.</summary>
    private void AbortMount()
    {
        try
        {
            UnmountWithRetries(lazy: true);
        }
        catch (IOException exception)
        {
            _log.Warn(exception.Message);
        }
        _mounted = false;
        _disposed = true;
        ReleaseResources();
    }

    private void ReleaseResources()
    {
        // Only after the readers are gone: closing a device fd under a blocked read would not wake it,
        // and freeing its buffer would be a use-after-free.
        TimeSpan joinTimeout = _completion.Task.IsCompleted ? TimeSpan.FromSeconds(5) : TimeSpan.Zero;
        if (!_readers.TrueForAll(reader => reader.Join(joinTimeout)) || !_ringWorkers.TrueForAll(worker => worker.Join(joinTimeout)))
        {
            // They still serve files opened before a lazy unmount; the last one to stop frees everything.
            _log.Warn($"readers of {_mountPoint} still serve open files; their buffers and descriptors stay until the connection ends");
            Volatile.Write(ref _freeWhenStopped, true);
            _device.ReleaseHelper();
            if (!_completion.Task.IsCompleted)
            {
                return;
            }
        }
        FreeOnce();
        if (_readers.Count == 0 && _initialized)
        {
            DestroyOnce();
        }
    }

    private void FreeOnce()
    {
        if (Interlocked.Exchange(ref _freed, 1) != 0)
        {
            return;
        }
        foreach (FileDescriptorHandle clone in _clones)
        {
            clone.Dispose();
        }
        _device.Session.Dispose();
        _device.ReleaseHelper();
        foreach (NativeBuffer buffer in _buffers)
        {
            buffer.Dispose();
        }
        foreach (FuseRingWorker worker in _ringWorkers)
        {
            worker.Free();
        }
    }
}
