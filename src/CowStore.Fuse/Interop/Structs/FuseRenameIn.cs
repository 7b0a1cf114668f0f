using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_rename_in</c> (8 bytes): RENAME; old and new names follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseRenameIn
{
    public ulong NewDir;
}
