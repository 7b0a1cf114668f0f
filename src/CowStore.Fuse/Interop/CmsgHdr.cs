using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct cmsghdr</c> header (16 bytes on 64-bit); the payload follows, 8-byte aligned.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CmsgHdr
{
    public nuint Length;
    public int Level;
    public int Type;
}
