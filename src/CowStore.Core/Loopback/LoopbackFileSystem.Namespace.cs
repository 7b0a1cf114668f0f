using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Loopback;

// Operations on names: create, remove, rename, link.
public sealed unsafe partial class LoopbackFileSystem
{
    public int ReadLink(in FuseRequest request, ulong nodeId, Span<byte> target)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        fixed (byte* t = target)
        {
            nint n = Libc.ReadLinkAt(nodeFd, CPath.Empty, t, (nuint)target.Length);
            return n >= 0 ? (int)n : Libc.NegErrno;
        }
    }

    public int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, ref FuseEntryOut entry)
    {
        if (!_nodes.TryGetFd(parent, out int parentFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
        Span<byte> targetBuffer = stackalloc byte[CPath.MaxSize];
        if (!CPath.TryTerminate(name, nameBuffer) || !CPath.TryTerminate(target, targetBuffer))
        {
            return -Errno.ENAMETOOLONG;
        }
        fixed (byte* n = nameBuffer)
        fixed (byte* t = targetBuffer)
        {
            if (Libc.SymlinkAt(t, parentFd, n) != 0)
            {
                return Libc.NegErrno;
            }
            return FinishCreate(request, parentFd, n, isDirectory: false, ref entry);
        }
    }

    public int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint rdev, uint umask, ref FuseEntryOut entry)
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
        fixed (byte* n = nameBuffer)
        {
            // rdev arrives in the kernel's new_encode_dev form, which glibc's dev_t matches in its low 32 bits.
            if (Libc.MknodAt(parentFd, n, mode, rdev) != 0)
            {
                return Libc.NegErrno;
            }
            return FinishCreate(request, parentFd, n, isDirectory: false, ref entry);
        }
    }

    public int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint umask, ref FuseEntryOut entry)
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
        fixed (byte* n = nameBuffer)
        {
            if (Libc.MkdirAt(parentFd, n, mode & 0xFFF) != 0)
            {
                return Libc.NegErrno;
            }
            return FinishCreate(request, parentFd, n, isDirectory: true, ref entry);
        }
    }

    public int Unlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => UnlinkAt(parent, name, 0);

    public int Rmdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => UnlinkAt(parent, name, AT_REMOVEDIR);

    public int Rename(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags)
    {
        if (!_nodes.TryGetFd(parent, out int parentFd) || !_nodes.TryGetFd(newParent, out int newParentFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
        Span<byte> newNameBuffer = stackalloc byte[CPath.MaxSize];
        if (!CPath.TryTerminate(name, nameBuffer) || !CPath.TryTerminate(newName, newNameBuffer))
        {
            return -Errno.ENAMETOOLONG;
        }
        fixed (byte* n = nameBuffer)
        fixed (byte* nn = newNameBuffer)
        {
            // Nodes follow inodes, not names: nothing in the node table changes.
            return Libc.RenameAt2(parentFd, n, newParentFd, nn, flags) == 0 ? 0 : Libc.NegErrno;
        }
    }

    public int Link(in FuseRequest request, ulong nodeId, ulong newParent, ReadOnlySpan<byte> newName, ref FuseEntryOut entry)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd) || !_nodes.TryGetFd(newParent, out int newParentFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
        if (!CPath.TryTerminate(newName, nameBuffer))
        {
            return -Errno.ENAMETOOLONG;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* n = nameBuffer)
        fixed (byte* procPath = proc)
        {
            // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; following the /proc magic link does not.
            if (Libc.LinkAt(AT_FDCWD, procPath, newParentFd, n, AT_SYMLINK_FOLLOW) != 0)
            {
                return Libc.NegErrno;
            }
            // Same (dev, ino) as nodeId, so this counts one more lookup of the same node.
            return LookupAt(newParentFd, n, ref entry);
        }
    }

    private int UnlinkAt(ulong parent, ReadOnlySpan<byte> name, int flags)
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
        fixed (byte* n = nameBuffer)
        {
            // The node (if any) keeps its O_PATH fd until FORGET: the kernel may still use an unlinked open file.
            return Libc.UnlinkAt(parentFd, n, flags) == 0 ? 0 : Libc.NegErrno;
        }
    }

    /// <summary>Gives a just-created name to the caller and looks it up; on failure the name is removed again.</summary>
    private int FinishCreate(in FuseRequest request, int parentFd, byte* name, bool isDirectory, ref FuseEntryOut entry)
    {
        int rc = GiveToCaller(request, parentFd, name, fd: -1);
        if (rc == 0)
        {
            rc = LookupAt(parentFd, name, ref entry);
        }
        if (rc != 0)
        {
            Libc.UnlinkAt(parentFd, name, isDirectory ? AT_REMOVEDIR : 0);
        }
        return rc;
    }

    /// <summary>
    /// A root daemon creates files as root; chown them to the caller as the kernel would have.
    /// In a set-group-ID directory the inherited group stays. Unprivileged daemons own what they create.
    /// </summary>
    private int GiveToCaller(in FuseRequest request, int parentFd, byte* name, int fd)
    {
        if (!_runsAsRoot || (request.Uid == 0 && request.Gid == 0))
        {
            return 0;
        }
        uint gid = request.Gid;
        if (Libc.FStatAt(parentFd, CPath.Empty, out Stat parentStat, AT_EMPTY_PATH) == 0 && (parentStat.Mode & S_ISGID) != 0)
        {
            gid = uint.MaxValue;
        }
        int rc = fd >= 0
            ? Libc.FChownAt(fd, CPath.Empty, request.Uid, gid, AT_EMPTY_PATH)
            : Libc.FChownAt(parentFd, name, request.Uid, gid, AT_SYMLINK_NOFOLLOW);
        return rc == 0 ? 0 : Libc.NegErrno;
    }
}
