namespace CowStore.Core.Posix;

/// <summary>
/// The loops every caller of pread/pwrite/fsync needs: retry on EINTR, continue after short transfers.
/// All return a count or 0 on success and -errno on failure, never throw.
/// </summary>
internal static unsafe class PosixIo
{
    /// <summary>Reads until <paramref name="buffer"/> is full or end of file; bytes read or -errno.</summary>
    public static int PReadFull(int fd, Span<byte> buffer, long offset)
    {
        int total = 0;
        fixed (byte* start = buffer)
        {
            while (total < buffer.Length)
            {
                nint n = Libc.PRead(fd, start + total, (nuint)(buffer.Length - total), offset + total);
                if (n > 0)
                {
                    total += (int)n;
                }
                else if (n == 0)
                {
                    break;
                }
                else if (Libc.Errno != PosixConstants.EINTR)
                {
                    // Report the error unless we already have data: the next read at the new offset will see it.
                    return total > 0 ? total : Libc.NegErrno;
                }
            }
        }
        return total;
    }

    /// <summary>Writes all of <paramref name="data"/>; bytes written (all of them) or -errno.</summary>
    public static int PWriteFull(int fd, ReadOnlySpan<byte> data, long offset)
    {
        int total = 0;
        fixed (byte* start = data)
        {
            while (total < data.Length)
            {
                nint n = Libc.PWrite(fd, start + total, (nuint)(data.Length - total), offset + total);
                if (n >= 0)
                {
                    total += (int)n;
                }
                else if (Libc.Errno != PosixConstants.EINTR)
                {
                    // A partial write is reported as such (like write(2)); the caller sees the short count.
                    return total > 0 ? total : Libc.NegErrno;
                }
            }
        }
        return total;
    }

    /// <summary>fsync or fdatasync, retried on EINTR; 0 or -errno.</summary>
    public static int Sync(int fd, bool dataOnly)
    {
        while (true)
        {
            int rc = dataOnly ? Libc.FDataSync(fd) : Libc.FSync(fd);
            if (rc == 0)
            {
                return 0;
            }
            if (Libc.Errno != PosixConstants.EINTR)
            {
                return Libc.NegErrno;
            }
        }
    }

    /// <summary>openat retried on EINTR (opening fifos and some devices can be interrupted); the fd or -errno.</summary>
    public static int OpenAt(int dirFd, byte* path, int flags, uint mode)
    {
        while (true)
        {
            int fd = Libc.OpenAt(dirFd, path, flags | PosixConstants.O_CLOEXEC, mode);
            if (fd >= 0)
            {
                return fd;
            }
            if (Libc.Errno != PosixConstants.EINTR)
            {
                return Libc.NegErrno;
            }
        }
    }

    /// <summary>fallocate retried on EINTR; 0 or -errno.</summary>
    public static int FAllocate(int fd, int mode, long offset, long length)
    {
        while (true)
        {
            if (Libc.FAllocate(fd, mode, offset, length) == 0)
            {
                return 0;
            }
            if (Libc.Errno != PosixConstants.EINTR)
            {
                return Libc.NegErrno;
            }
        }
    }

    /// <summary>
    /// Surfaces errors the kernel defers to close(2) (e.g. NFS writeback) without closing
    /// <paramref name="fd"/>: closes a duplicate. 0 or -errno.
    /// </summary>
    public static int CloseDuplicate(int fd)
    {
        int dup = Libc.Dup(fd);
        if (dup < 0)
        {
            return Libc.NegErrno;
        }
        // EINTR from close still closed the fd on Linux; it is not an I/O error.
        return Libc.Close(dup) == 0 || Libc.Errno == PosixConstants.EINTR ? 0 : Libc.NegErrno;
    }
}
