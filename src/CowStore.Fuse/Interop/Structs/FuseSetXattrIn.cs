using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_setxattr_in</c> (8 bytes): SETXATTR without FUSE_SETXATTR_EXT (FUSE_COMPAT_SETXATTR_IN_SIZE); name and value follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseSetXattrIn
{
    public uint Size;
    public uint Flags;
}
