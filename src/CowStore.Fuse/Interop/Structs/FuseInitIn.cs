using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_init_in</c> (64 bytes): INIT request (FUSE_INIT_EXT size).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseInitIn
{
    public uint Major;
    public uint Minor;
    public uint MaxReadahead;
    public uint Flags;
    public uint Flags2;
    public fixed uint Unused[11];
}
