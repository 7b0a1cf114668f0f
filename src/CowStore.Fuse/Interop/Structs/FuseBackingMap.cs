using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_backing_map</c> (16 bytes): FUSE_DEV_IOC_BACKING_OPEN argument (7.40+).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseBackingMap
{
    public int Fd;
    public uint Flags;
    public ulong Padding;
}
