using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_getxattr_out</c> (8 bytes): GETXATTR/LISTXATTR reply when only the size was asked.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseGetXattrOut
{
    public uint Size;
    public uint Padding;
}
