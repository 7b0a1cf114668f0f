using System.Runtime.InteropServices;
using System.Text;
using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// The raw file operations of the block layer: full-length pread/pwrite loops, hole punching and durable
/// directory updates. Every method returns 0 (or a count) or -errno; only the path helpers used at
/// open/create time throw.
/// </summary>
internal static unsafe class BlockIo
{
    public const int FALLOC_FL_KEEP_SIZE = 0x01;
    public const int FALLOC_FL_PUNCH_HOLE = 0x02;
    public const int FALLOC_FL_ZERO_RANGE = 0x10;
    public const int SEEK_DATA = 3;
    public const int SEEK_HOLE = 4;

    private const int ZeroChunk = 64 * 1024;
    private static readonly byte[] Zeros = new byte[ZeroChunk];

    /// <summary>Reads until <paramref name="destination"/> is full or EOF; returns the bytes read or -errno.</summary>
    public static int PReadFull(SafeFd fd, Span<byte> destination, long offset)
    {
        int done = 0;
        fixed (byte* start = destination)
        {
            while (done < destination.Length)
            {
                nint n = Libc.PRead(fd.Fd, start + done, (nuint)(destination.Length - done), offset + done);
                if (n < 0)
                {
                    if (Libc.Errno == Errno.EINTR)
                    {
                        continue;
                    }
                    return Libc.NegErrno;
                }
                if (n == 0)
                {
                    break;
                }
                done += (int)n;
            }
        }
        return done;
    }

    /// <summary>Reads like <see cref="PReadFull"/> and zero-fills whatever lies past EOF; returns 0 or -errno.</summary>
    public static int PReadZeroFilled(SafeFd? fd, Span<byte> destination, long offset)
    {
        int got = fd is null ? 0 : PReadFull(fd, destination, offset);
        if (got < 0)
        {
            return got;
        }
        destination[got..].Clear();
        return 0;
    }

    /// <summary>Writes all of <paramref name="source"/> or fails; returns 0 or -errno (ENOSPC, EIO, EFBIG...).</summary>
    public static int PWriteFull(SafeFd fd, ReadOnlySpan<byte> source, long offset)
    {
        int done = 0;
        fixed (byte* start = source)
        {
            while (done < source.Length)
            {
                nint n = Libc.PWrite(fd.Fd, start + done, (nuint)(source.Length - done), offset + done);
                if (n < 0)
                {
                    if (Libc.Errno == Errno.EINTR)
                    {
                        continue;
                    }
                    return Libc.NegErrno;
                }
                if (n == 0)
                {
                    return -Errno.EIO; // pwrite never returns 0 for a non-empty buffer on a regular file
                }
                done += (int)n;
            }
        }
        return 0;
    }

    /// <summary>
    /// Makes [offset, offset+length) of <paramref name="fd"/> read as zeros, preferring a hole (no space used);
    /// falls back to writing zeros on filesystems without PUNCH_HOLE.
    /// </summary>
    public static int ZeroRange(SafeFd fd, long offset, long length)
    {
        if (length <= 0)
        {
            return 0;
        }
        int punched = FAllocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
        return punched != -Errno.EOPNOTSUPP ? punched : WriteZeros(fd, offset, length);
    }

    /// <summary>Writes real zeros over [offset, offset+length) (allocated blocks, unlike a hole); returns 0 or -errno.</summary>
    public static int WriteZeros(SafeFd fd, long offset, long length)
    {
        for (long done = 0; done < length;)
        {
            int chunk = (int)Math.Min(ZeroChunk, length - done);
            int r = PWriteFull(fd, Zeros.AsSpan(0, chunk), offset + done);
            if (r < 0)
            {
                return r;
            }
            done += chunk;
        }
        return 0;
    }

    /// <summary>fallocate(2) retried on EINTR; returns 0 or -errno.</summary>
    public static int FAllocate(SafeFd fd, int mode, long offset, long length) => PosixIo.FAllocate(fd.Fd, mode, offset, length);

    /// <summary>ftruncate(2) retried on EINTR; returns 0 or -errno.</summary>
    public static int FTruncate(SafeFd fd, long length)
    {
        while (Libc.FTruncate(fd.Fd, length) != 0)
        {
            if (Libc.Errno != Errno.EINTR)
            {
                return Libc.NegErrno;
            }
        }
        return 0;
    }

    /// <summary>fdatasync(2) retried on EINTR; returns 0 or -errno.</summary>
    public static int FDataSync(SafeFd fd) => PosixIo.Sync(fd.Fd, dataOnly: true);

    /// <summary>st_size of an open file, or -errno.</summary>
    public static long FileLength(SafeFd fd) => Libc.FStat(fd.Fd, out Stat stat) == 0 ? stat.Size : Libc.NegErrno;

    /// <summary>Bytes allocated to an open file (st_blocks * 512), or -errno.</summary>
    public static long AllocatedBytes(SafeFd fd) => Libc.FStat(fd.Fd, out Stat stat) == 0 ? stat.Blocks * 512 : Libc.NegErrno;

    /// <summary>open(2) of a path (O_CLOEXEC added); returns the fd or -errno.</summary>
    public static int Open(string path, int flags, uint mode = 0x180 /* 0600: deltas are private */)
    {
        byte[] cPath = CString(path);
        fixed (byte* p = cPath)
        {
            return PosixIo.OpenAt(PosixConstants.AT_FDCWD, p, flags, mode);
        }
    }

    /// <summary>open(2) that throws <see cref="IOException"/>: for Create/Open, which live above the errno boundary.</summary>
    public static SafeFd OpenOrThrow(string path, int flags)
    {
        int fd = Open(path, flags);
        if (fd < 0)
        {
            throw ErrnoException(-fd, "open", path);
        }
        return new SafeFd(fd);
    }

    /// <summary>rename(2); returns 0 or -errno.</summary>
    public static int Rename(string from, string to)
    {
        byte[] a = CString(from), b = CString(to);
        fixed (byte* pa = a, pb = b)
        {
            return Libc.RenameAt2(PosixConstants.AT_FDCWD, pa, PosixConstants.AT_FDCWD, pb, 0) == 0 ? 0 : Libc.NegErrno;
        }
    }

    /// <summary>unlink(2); a missing file counts as success. Returns 0 or -errno.</summary>
    /// <returns>1 when the file was removed, 0 when there was none, else -errno.</returns>
    public static int UnlinkIfExists(string path)
    {
        byte[] p = CString(path);
        fixed (byte* pp = p)
        {
            if (Libc.UnlinkAt(PosixConstants.AT_FDCWD, pp, 0) == 0)
            {
                return 1;
            }
            return Libc.Errno == Errno.ENOENT ? 0 : Libc.NegErrno;
        }
    }

    /// <summary>fsync of the directory holding <paramref name="path"/>: makes creates, renames and unlinks in it durable.</summary>
    public static int FSyncParentDirectory(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        int fd = Open(directory, PosixConstants.O_RDONLY | PosixConstants.O_DIRECTORY);
        if (fd < 0)
        {
            return fd;
        }
        using var handle = new SafeFd(fd);
        return PosixIo.Sync(handle.Fd, dataOnly: false);
    }

    /// <summary>An <see cref="IOException"/> whose HResult is the positive errno, as .NET itself does on Unix.</summary>
    public static IOException ErrnoException(int errno, string operation, string path) =>
        new($"{operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    private static byte[] CString(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }
}
