using System.Runtime.InteropServices;

namespace CowStore.Fuse.Kernel;

/// <summary><c>struct fuse_open_out</c> (16 bytes): reply to OPEN, OPENDIR and CREATE.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseOpenOut
{
    /// <summary>File handle chosen by the filesystem; handed back on every request on this open file.</summary>
    public ulong Fh;
    /// <summary><see cref="OpenFlags"/> (FOPEN_*).</summary>
    public uint OpenFlags;
    /// <summary>Backing id from FUSE_DEV_IOC_BACKING_OPEN when <see cref="Kernel.OpenFlags.Passthrough"/> is set.</summary>
    public int BackingId;
}
