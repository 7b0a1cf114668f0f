using System.Runtime.InteropServices;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Kernel;
using CowStore.Fuse.Protocol;
using CowStore.Fuse.Transport;

namespace CowStore.Fuse;

/// <summary>
/// The negotiated connection as seen by a filesystem: capabilities agreed at INIT, and the
/// calls a filesystem may make back into the kernel (notifications, passthrough backing files).
/// </summary>
public sealed class FuseConnection
{
    private FileDescriptorHandle? _device;

    internal FuseConnection()
    {
    }

    /// <summary>Negotiated protocol minor version (major is always 7).</summary>
    public uint ProtocolMinor { get; internal set; }

    /// <summary>FUSE passthrough is on: OPEN may reply FOPEN_PASSTHROUGH with a backing id.</summary>
    public bool PassthroughEnabled { get; internal set; }

    /// <summary>The kernel caches writes; it owns size and mtime while a file is open.</summary>
    public bool WritebackCacheEnabled { get; internal set; }

    /// <summary>Requests travel through FUSE over io_uring (a queue per CPU); /dev/fuse carries FORGET and INTERRUPT.</summary>
    public bool IoUringEnabled { get; internal set; }

    /// <summary>How requests arrive, for people: <c>io_uring</c> or <c>/dev/fuse</c>.</summary>
    public string Transport => IoUringEnabled ? "io_uring" : "/dev/fuse";

    /// <summary>Negotiated max_write in bytes.</summary>
    public int MaxWrite { get; internal set; }

    /// <summary>Protocol minor version the kernel speaks.</summary>
    public uint KernelMinor { get; internal set; }

    /// <summary>Capabilities the kernel offered in INIT.</summary>
    public FuseInitFlags KernelFlags { get; internal set; }

    /// <summary>Capabilities we replied with (always a subset of <see cref="KernelFlags"/> plus INIT_EXT).</summary>
    public FuseInitFlags NegotiatedFlags { get; internal set; }

    /// <summary>Registers <paramref name="fd"/> as a passthrough backing file; 0 and the id, or -errno.</summary>
    public unsafe int OpenBackingFile(int fd, out int backingId)
    {
        backingId = 0;
        if (!PassthroughEnabled)
        {
            return -Errno.EPERM;
        }
        var map = new FuseBackingMap { Fd = fd };
        FileDescriptorHandle? device = Enter();
        if (device is null)
        {
            return -Errno.ENOTCONN;
        }
        try
        {
            int result = Libc.Ioctl(device.Fd, DeviceIoctl.BackingOpen, &map);
            if (result < 0)
            {
                return -Marshal.GetLastPInvokeError();
            }
            backingId = result;
            return 0;
        }
        finally
        {
            device.DangerousRelease();
        }
    }

    /// <summary>Releases a backing id after the last RELEASE that used it.</summary>
    public unsafe int CloseBackingFile(int backingId)
    {
        if (!PassthroughEnabled)
        {
            return -Errno.ENOSYS;
        }
        FileDescriptorHandle? device = Enter();
        if (device is null)
        {
            return -Errno.ENOTCONN;
        }
        try
        {
            return Libc.Ioctl(device.Fd, DeviceIoctl.BackingClose, &backingId) < 0 ? -Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            device.DangerousRelease();
        }
    }

    /// <summary>Drops cached attributes and data pages of a node (length 0 = to the end, offset -1 = attributes only).</summary>
    public unsafe int NotifyInvalidateInode(ulong nodeId, long offset, long length)
    {
        var body = new FuseNotifyInvalInodeOut { Ino = nodeId, Off = offset, Len = length };
        var header = new FuseOutHeader
        {
            Len = (uint)(sizeof(FuseOutHeader) + sizeof(FuseNotifyInvalInodeOut)),
            Error = FuseNotifyCode.InvalInode,
        };
        Span<Iovec> pieces = stackalloc Iovec[2];
        pieces[0] = new Iovec { Base = &header, Length = (nuint)sizeof(FuseOutHeader) };
        pieces[1] = new Iovec { Base = &body, Length = (nuint)sizeof(FuseNotifyInvalInodeOut) };
        return Notify(pieces);
    }

    /// <summary>Drops a cached directory entry (also negative entries).</summary>
    /// <remarks>
    /// Never call it while answering a request on the same directory: the kernel takes the directory lock,
    /// which that request may hold, and the two would wait for each other. Same for inode invalidation of
    /// a node whose request is being answered.
    /// </remarks>
    public unsafe int NotifyInvalidateEntry(ulong parent, ReadOnlySpan<byte> name)
    {
        var body = new FuseNotifyInvalEntryOut { Parent = parent, NameLen = (uint)name.Length };
        var header = new FuseOutHeader
        {
            Len = (uint)(sizeof(FuseOutHeader) + sizeof(FuseNotifyInvalEntryOut) + name.Length + 1),
            Error = FuseNotifyCode.InvalEntry,
        };
        byte terminator = 0;
        fixed (byte* namePointer = name)
        {
            Span<Iovec> pieces = stackalloc Iovec[4];
            pieces[0] = new Iovec { Base = &header, Length = (nuint)sizeof(FuseOutHeader) };
            pieces[1] = new Iovec { Base = &body, Length = (nuint)sizeof(FuseNotifyInvalEntryOut) };
            pieces[2] = new Iovec { Base = namePointer, Length = (nuint)name.Length };
            pieces[3] = new Iovec { Base = &terminator, Length = 1 };
            return Notify(pieces);
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"7.{ProtocolMinor} (kernel 7.{KernelMinor}) max_write={MaxWrite} flags=[{NegotiatedFlags}]";

    internal void Attach(FileDescriptorHandle device) => _device = device;

    private int Notify(ReadOnlySpan<Iovec> pieces)
    {
        FileDescriptorHandle? device = Enter();
        if (device is null)
        {
            return -Errno.ENOTCONN;
        }
        try
        {
            return DeviceIo.WriteMessage(device.Fd, pieces);
        }
        finally
        {
            device.DangerousRelease();
        }
    }

    /// <summary>The session fd with a reference held (release it), or null once the server closed it.</summary>
    private FileDescriptorHandle? Enter()
    {
        FileDescriptorHandle? device = _device;
        if (device is null)
        {
            return null;
        }
        bool added = false;
        try
        {
            device.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
        }
        return added ? device : null;
    }
}
