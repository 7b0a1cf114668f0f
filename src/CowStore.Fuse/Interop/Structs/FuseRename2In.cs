using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_rename2_in</c> (16 bytes): RENAME2; old and new names follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseRename2In
{
    public ulong NewDir;
    public uint Flags;
    public uint Padding;
}
