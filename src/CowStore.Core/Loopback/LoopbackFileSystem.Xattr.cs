using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Loopback;

// Extended attributes: the f*xattr calls refuse O_PATH fds, so they go through /proc/self/fd/N.
public sealed unsafe partial class LoopbackFileSystem
{
    private const int XattrNameBufferSize = 256; // XATTR_NAME_MAX 255 + NUL

    public int SetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[XattrNameBufferSize];
        if (!CPath.TryTerminate(name, nameBuffer))
        {
            return -Errno.ERANGE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* procPath = proc)
        fixed (byte* n = nameBuffer)
        fixed (byte* v = value)
        {
            return Libc.SetXattr(procPath, n, v, (nuint)value.Length, flags) == 0 ? 0 : Libc.NegErrno;
        }
    }

    public int GetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, Span<byte> value)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[XattrNameBufferSize];
        if (!CPath.TryTerminate(name, nameBuffer))
        {
            return -Errno.ERANGE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* procPath = proc)
        fixed (byte* n = nameBuffer)
        fixed (byte* v = value)
        {
            // An empty span pins to null: getxattr then returns the size only.
            nint size = Libc.GetXattr(procPath, n, v, (nuint)value.Length);
            return size >= 0 ? (int)size : Libc.NegErrno;
        }
    }

    public int ListXattr(in FuseRequest request, ulong nodeId, Span<byte> list)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* procPath = proc)
        fixed (byte* l = list)
        {
            nint size = Libc.ListXattr(procPath, l, (nuint)list.Length);
            return size >= 0 ? (int)size : Libc.NegErrno;
        }
    }

    public int RemoveXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[XattrNameBufferSize];
        if (!CPath.TryTerminate(name, nameBuffer))
        {
            return -Errno.ERANGE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* procPath = proc)
        fixed (byte* n = nameBuffer)
        {
            return Libc.RemoveXattr(procPath, n) == 0 ? 0 : Libc.NegErrno;
        }
    }
}
