using System.Runtime.InteropServices;

namespace CowStore.Fuse.Kernel;

/// <summary>
/// <c>struct fuse_entry_out</c> (128 bytes). A reply carrying it adds one to the node's
/// lookup count (undone by FORGET); <see cref="NodeId"/> 0 with a non-zero
/// <see cref="EntryValid"/> is a cacheable negative entry.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseEntryOut
{
    public ulong NodeId;
    public ulong Generation;
    public ulong EntryValid;
    public ulong AttrValid;
    public uint EntryValidNsec;
    public uint AttrValidNsec;
    public FuseAttr Attr;
}
