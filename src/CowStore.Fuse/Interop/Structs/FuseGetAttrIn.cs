using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_getattr_in</c> (16 bytes): GETATTR; Fh only valid with FUSE_GETATTR_FH.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseGetAttrIn
{
    public uint GetAttrFlags;
    public uint Dummy;
    public ulong Fh;
}
