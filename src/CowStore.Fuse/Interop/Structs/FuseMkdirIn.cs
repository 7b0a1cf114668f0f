using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_mkdir_in</c> (8 bytes): MKDIR; the name follows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseMkdirIn
{
    public uint Mode;
    public uint Umask;
}
