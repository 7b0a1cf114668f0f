using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Loopback;

// Open files: every FUSE file handle is a real fd on the backing inode.
public sealed unsafe partial class LoopbackFileSystem
{
    public int Open(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        // The kernel resolved the name already; O_NOFOLLOW would refuse the /proc magic link itself.
        flags = BackingFlags(flags) & ~(O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW);
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        int fd;
        fixed (byte* procPath = proc)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, procPath, flags, 0);
        }
        if (fd < 0)
        {
            return fd;
        }
        open.Fh = AddFile(new SafeFd(fd), flags);
        open.OpenFlags = 0;
        open.BackingId = 0;
        return 0;
    }

    public int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, int flags, uint mode, uint umask, ref FuseEntryOut entry, ref FuseOpenOut open)
    {
        if (!_nodes.TryGetFd(parent, out int parentFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
        if (!CPath.TryTerminate(name, nameBuffer))
        {
            return -Errno.ENAMETOOLONG;
        }
        bool exclusive = (flags & O_EXCL) != 0;
        flags = BackingFlags(flags) & ~(O_CREAT | O_EXCL | O_NOCTTY);
        fixed (byte* n = nameBuffer)
        {
            // Create exclusively so we know whether the file is new: only a new file is handed to the
            // caller. If it appeared since the kernel's lookup (and O_EXCL was not asked), open it as is.
            bool created = true;
            int fd = PosixIo.OpenAt(parentFd, n, flags | O_CREAT | O_EXCL, mode & 0xFFF);
            if (fd == -Errno.EEXIST && !exclusive)
            {
                created = false;
                fd = PosixIo.OpenAt(parentFd, n, flags, 0);
            }
            if (fd < 0)
            {
                return fd;
            }
            var file = new SafeFd(fd);
            int rc = created ? GiveToCaller(request, parentFd, n, fd) : 0;
            if (rc == 0)
            {
                rc = LookupAt(parentFd, n, ref entry);
            }
            if (rc != 0)
            {
                file.Dispose();
                if (created)
                {
                    Libc.UnlinkAt(parentFd, n, 0);
                }
                return rc;
            }
            open.Fh = AddFile(file, flags);
            open.OpenFlags = 0;
            open.BackingId = 0;
            return 0;
        }
    }

    public int Read(in FuseRequest request, ulong nodeId, ulong fh, long offset, Span<byte> buffer)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        int n = PosixIo.PReadFull(file.Fd.Fd, buffer, offset);
        if (n == -Errno.EINVAL && file.IsDirect)
        {
            Span<byte> bounce = AlignedBounceBuffer.Get(buffer.Length);
            n = PosixIo.PReadFull(file.Fd.Fd, bounce, offset);
            if (n > 0)
            {
                bounce[..n].CopyTo(buffer);
            }
        }
        return n;
    }

    public int Write(in FuseRequest request, ulong nodeId, ulong fh, long offset, ReadOnlySpan<byte> data, uint writeFlags)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        int n = PosixIo.PWriteFull(file.Fd.Fd, data, offset);
        if (n == -Errno.EINVAL && file.IsDirect)
        {
            Span<byte> bounce = AlignedBounceBuffer.Get(data.Length);
            data.CopyTo(bounce);
            n = PosixIo.PWriteFull(file.Fd.Fd, bounce, offset);
        }
        return n;
    }

    public int Flush(in FuseRequest request, ulong nodeId, ulong fh, ulong lockOwner)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        // close(2) is not a durability point; closing a duplicate reports what the backing fs defers to close.
        return PosixIo.CloseDuplicate(file.Fd.Fd);
    }

    public int Release(in FuseRequest request, ulong nodeId, ulong fh, int flags)
    {
        if (_files.TryRemove(fh, out OpenFile? file))
        {
            file.Fd.Dispose();
        }
        return 0;
    }

    public int Fsync(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        if (_files.TryGetValue(fh, out OpenFile? file))
        {
            return PosixIo.Sync(file.Fd.Fd, dataOnly);
        }
        return SyncNode(nodeId, O_RDONLY, dataOnly);
    }

    public int Fallocate(in FuseRequest request, ulong nodeId, ulong fh, int mode, long offset, long length)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            return -Errno.EBADF;
        }
        return PosixIo.FAllocate(file.Fd.Fd, mode, offset, length);
    }

    public int Lseek(in FuseRequest request, ulong nodeId, ulong fh, long offset, int whence, out long result)
    {
        if (!_files.TryGetValue(fh, out OpenFile? file))
        {
            result = 0;
            return -Errno.EBADF;
        }
        // Our fd's own position is never used for I/O (pread/pwrite), so moving it is harmless.
        result = Libc.LSeek(file.Fd.Fd, offset, whence);
        return result >= 0 ? 0 : Libc.NegErrno;
    }

    public long CopyFileRange(in FuseRequest request, ulong nodeIn, ulong fhIn, long offsetIn, ulong nodeOut, ulong fhOut, long offsetOut, long length, ulong flags)
    {
        if (!_files.TryGetValue(fhIn, out OpenFile? source) || !_files.TryGetValue(fhOut, out OpenFile? target))
        {
            return -Errno.EBADF;
        }
        if (flags > uint.MaxValue || length < 0)
        {
            return -Errno.EINVAL;
        }
        while (true)
        {
            nint n = Libc.CopyFileRange(source.Fd.Fd, &offsetIn, target.Fd.Fd, &offsetOut, (nuint)length, (uint)flags);
            if (n >= 0)
            {
                return n;
            }
            if (Libc.Errno != EINTR)
            {
                return Libc.NegErrno;
            }
        }
    }

    /// <summary>
    /// With the writeback cache the kernel reads pages of write-only files and decides the append
    /// position itself, so the backing fd must be readable and must not append on its own.
    /// </summary>
    private int BackingFlags(int flags)
    {
        if (_writebackCache)
        {
            if ((flags & O_ACCMODE) == O_WRONLY)
            {
                flags = (flags & ~O_ACCMODE) | O_RDWR;
            }
            flags &= ~O_APPEND;
        }
        return flags;
    }

    private ulong AddFile(SafeFd fd, int flags)
    {
        ulong fh = NextHandle();
        _files[fh] = new OpenFile(fd, flags);
        return fh;
    }

    /// <summary>Syncs a node through a temporary fd, for the rare fsync that names no handle.</summary>
    private int SyncNode(ulong nodeId, int openFlags, bool dataOnly)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        int fd;
        fixed (byte* procPath = proc)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, procPath, openFlags, 0);
        }
        if (fd < 0)
        {
            return fd;
        }
        using var owned = new SafeFd(fd);
        return PosixIo.Sync(fd, dataOnly);
    }
}
