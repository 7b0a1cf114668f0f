using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_create_in</c> (16 bytes): CREATE; the name follows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseCreateIn
{
    public uint Flags;
    public uint Mode;
    public uint Umask;
    public uint OpenFlags;
}
