using System.Runtime.InteropServices;

namespace CowStore.Fuse.Kernel;

/// <summary><c>struct fuse_attr_out</c> (104 bytes): reply to GETATTR and SETATTR.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseAttrOut
{
    public ulong AttrValid;
    public uint AttrValidNsec;
    public uint Dummy;
    public FuseAttr Attr;
}
