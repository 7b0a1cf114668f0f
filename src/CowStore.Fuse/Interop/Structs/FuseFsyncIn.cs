using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_fsync_in</c> (16 bytes): FSYNC, FSYNCDIR; bit 0 of FsyncFlags = datasync.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFsyncIn
{
    public ulong Fh;
    public uint FsyncFlags;
    public uint Padding;
}
