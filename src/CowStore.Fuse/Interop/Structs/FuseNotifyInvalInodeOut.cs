using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_notify_inval_inode_out</c> (24 bytes): FUSE_NOTIFY_INVAL_INODE payload.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseNotifyInvalInodeOut
{
    public ulong Ino;
    public long Off;
    public long Len;
}
