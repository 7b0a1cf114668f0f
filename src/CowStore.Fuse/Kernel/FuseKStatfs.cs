using System.Runtime.InteropServices;

namespace CowStore.Fuse.Kernel;

/// <summary><c>struct fuse_kstatfs</c> (80 bytes): reply to STATFS.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseKStatfs
{
    public ulong Blocks;
    public ulong Bfree;
    public ulong Bavail;
    public ulong Files;
    public ulong Ffree;
    public uint Bsize;
    public uint NameLen;
    public uint Frsize;
    public uint Padding;
    public uint Spare0, Spare1, Spare2, Spare3, Spare4, Spare5;
}
