using System.Diagnostics;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Snapshots;

/// <summary>The store's <c>lock</c> file was held by another process for longer than the caller would wait.</summary>
public sealed class StoreLockedException(string message) : IOException(message);

/// <summary>
/// flock(LOCK_EX) on the store's <c>lock</c> file, reentrant within one <see cref="SnapshotStore"/> instance on one
/// thread (a commit holds it and calls <see cref="SnapshotStore.Publish"/>, which takes it again). The kernel drops
/// the lock when the process dies, so a killed command never leaves the store locked.
/// </summary>
internal sealed class StoreLock(string path)
{
    private readonly object _gate = new();
    private SafeFd? _fd;
    private int _holds;

    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for good.</param>
    public IDisposable Acquire(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        if (!Monitor.TryEnter(_gate, timeout))
        {
            throw new StoreLockedException($"the snapshot store lock {path} is busy in this process (waited {timeout.TotalSeconds:0.#} s)");
        }
        try
        {
            if (_holds == 0)
            {
                _fd = Lock(timeout == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : timeout - clock.Elapsed);
            }
            _holds++;
            return new Hold(this);
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    private SafeFd Lock(TimeSpan timeout)
    {
        int raw = BlockIo.Open(path, PosixConstants.O_RDWR | PosixConstants.O_CREAT, 0x1A4);
        if (raw < 0)
        {
            throw BlockIo.ErrnoException(-raw, "open", path);
        }
        var fd = new SafeFd(raw);
        var clock = Stopwatch.StartNew();
        while (Libc.Flock(fd.Fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            int errno = Libc.Errno;
            if (errno == Errno.EINTR)
            {
                continue;
            }
            if (errno != Errno.EAGAIN)
            {
                fd.Dispose();
                throw BlockIo.ErrnoException(errno, "flock", path);
            }
            if (clock.Elapsed >= timeout)
            {
                fd.Dispose();
                throw new StoreLockedException($"the snapshot store is locked by another cowstore command ({path}; waited {timeout.TotalSeconds:0.#} s)");
            }
            Thread.Sleep(50);
        }
        return fd;
    }

    private void Release()
    {
        if (--_holds == 0)
        {
            _fd!.Dispose();
            _fd = null;
        }
        Monitor.Exit(_gate);
    }

    private sealed class Hold(StoreLock owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
