using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_getxattr_in</c> (8 bytes): GETXATTR, LISTXATTR.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseGetXattrIn
{
    public uint Size;
    public uint Padding;
}
