using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_fallocate_in</c> (32 bytes): FALLOCATE.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFallocateIn
{
    public ulong Fh;
    public ulong Offset;
    public ulong Length;
    public uint Mode;
    public uint Padding;
}
