using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_lseek_out</c> (8 bytes): LSEEK reply.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseLseekOut
{
    public ulong Offset;
}
