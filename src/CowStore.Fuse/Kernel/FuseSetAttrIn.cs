using System.Runtime.InteropServices;

namespace CowStore.Fuse.Kernel;

/// <summary><c>struct fuse_setattr_in</c> (88 bytes). <see cref="Valid"/> holds <see cref="SetAttrValid"/> bits.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseSetAttrIn
{
    public uint Valid;
    public uint Padding;
    public ulong Fh;
    public ulong Size;
    public ulong LockOwner;
    public ulong Atime;
    public ulong Mtime;
    public ulong Ctime;
    public uint AtimeNsec;
    public uint MtimeNsec;
    public uint CtimeNsec;
    public uint Mode;
    public uint Unused4;
    public uint Uid;
    public uint Gid;
    public uint Unused5;
}
