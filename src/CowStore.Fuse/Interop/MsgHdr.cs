using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct msghdr</c> (x86_64/aarch64 glibc layout, 56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public Iovec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
