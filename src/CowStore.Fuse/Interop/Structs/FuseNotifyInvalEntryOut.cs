using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_notify_inval_entry_out</c> (16 bytes): FUSE_NOTIFY_INVAL_ENTRY payload; the name and a NUL follow.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseNotifyInvalEntryOut
{
    public ulong Parent;
    public uint NameLen;
    public uint Flags;
}
