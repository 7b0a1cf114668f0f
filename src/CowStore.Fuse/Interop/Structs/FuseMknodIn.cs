using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_mknod_in</c> (16 bytes): MKNOD; the name follows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseMknodIn
{
    public uint Mode;
    public uint Rdev;
    public uint Umask;
    public uint Padding;
}
