using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_flush_in</c> (24 bytes): FLUSH.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFlushIn
{
    public ulong Fh;
    public uint Unused;
    public uint Padding;
    public ulong LockOwner;
}
