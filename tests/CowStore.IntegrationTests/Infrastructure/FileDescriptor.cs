using System.Runtime.InteropServices;
using CowStore.IntegrationTests.Infrastructure.Interop;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>An owned fd with the few operations the tests need; every call fails the test on error
/// unless it is a <c>TryX</c>, which returns the errno.</summary>
internal sealed unsafe class FileDescriptor : SafeHandle
{
    private readonly string _path;

    private FileDescriptor(int fd, string path) : base(-1, ownsHandle: true)
    {
        SetHandle(fd);
        _path = path;
    }

    public override bool IsInvalid => handle < 0;

    public int Fd => (int)handle;

    public static Errno TryOpen(string path, int flags, out FileDescriptor? fd, uint mode = 0x1A4)
    {
        int raw = Libc.Open(path, flags | PosixConstants.O_CLOEXEC, mode);
        if (raw < 0)
        {
            fd = null;
            return Sys.LastErrno;
        }
        fd = new FileDescriptor(raw, path);
        return Errno.OK;
    }

    public static FileDescriptor Open(string path, int flags, uint mode = 0x1A4)
    {
        Errno e = TryOpen(path, flags, out FileDescriptor? fd, mode);
        if (e != Errno.OK)
        {
            throw new Xunit.Sdk.XunitException($"open {path} flags 0x{flags:x} failed: {e}");
        }
        return fd!;
    }

    /// <summary>pwrite until everything is written; a short write is retried as POSIX allows.</summary>
    public Errno TryPWrite(long offset, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = Libc.PWrite(Fd, p + done, (nuint)(data.Length - done), offset + done);
                if (n < 0)
                {
                    return Sys.LastErrno;
                }
                done += (int)n;
            }
        }
        return Errno.OK;
    }

    public void PWrite(long offset, ReadOnlySpan<byte> data)
    {
        Errno e = TryPWrite(offset, data);
        if (e != Errno.OK)
        {
            throw new Xunit.Sdk.XunitException($"pwrite {_path} at {offset} ({data.Length} bytes) failed: {e}");
        }
    }

    /// <summary>write(2) at the current offset (O_APPEND).</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = Libc.Write(Fd, p + done, (nuint)(data.Length - done));
                Sys.Check(n, $"write {_path}");
                done += (int)n;
            }
        }
    }

    /// <summary>pread until <paramref name="buffer"/> is full or EOF; returns the bytes read.</summary>
    public int PRead(long offset, Span<byte> buffer)
    {
        Errno e = TryPRead(offset, buffer, out int done);
        if (e != Errno.OK)
        {
            throw new Xunit.Sdk.XunitException($"pread {_path} at {offset + done} failed: {e}");
        }
        return done;
    }

    /// <summary>pread until <paramref name="buffer"/> is full or EOF, or the first error.</summary>
    public Errno TryPRead(long offset, Span<byte> buffer, out int done)
    {
        done = 0;
        fixed (byte* p = buffer)
        {
            while (done < buffer.Length)
            {
                nint n = Libc.PRead(Fd, p + done, (nuint)(buffer.Length - done), offset + done);
                if (n < 0)
                {
                    return Sys.LastErrno;
                }
                if (n == 0)
                {
                    break;
                }
                done += (int)n;
            }
        }
        return Errno.OK;
    }

    public byte[] PRead(long offset, int count)
    {
        var buffer = new byte[count];
        int n = PRead(offset, buffer);
        return buffer.AsSpan(0, n).ToArray();
    }

    public Errno TryTruncate(long length) => Sys.Result(Libc.FTruncate(Fd, length));

    public void Truncate(long length) => Sys.Check(Libc.FTruncate(Fd, length), $"ftruncate {_path} {length}");

    public Errno TryFSync() => Sys.Result(Libc.FSync(Fd));

    public Errno TryFDataSync() => Sys.Result(Libc.FDataSync(Fd));

    public Errno TryAllocate(int mode, long offset, long length) => Sys.Result(Libc.FAllocate(Fd, mode, offset, length));

    public long Seek(long offset, int whence) => Libc.LSeek(Fd, offset, whence);

    public Errno TrySeek(long offset, int whence, out long result)
    {
        result = Libc.LSeek(Fd, offset, whence);
        return Sys.Result(result);
    }

    public Errno TryStat(out StatBuffer st) => Sys.Result(Libc.FStat(Fd, out st));

    public StatBuffer Stat()
    {
        Sys.Check(Libc.FStat(Fd, out StatBuffer st), $"fstat {_path}");
        return st;
    }

    public StatVfsBuffer StatVfs()
    {
        Sys.Check(Libc.FStatVfs(Fd, out StatVfsBuffer st), $"fstatvfs {_path}");
        return st;
    }

    /// <summary>close(2) with its result (a FUSE flush error shows up here).</summary>
    public Errno CloseChecked()
    {
        int fd = Fd;
        SetHandleAsInvalid();
        return Sys.Result(Libc.Close(fd));
    }

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
