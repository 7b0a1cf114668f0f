using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct fuse_forget_in</c> (8 bytes): FORGET.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseForgetIn
{
    public ulong NLookup;
}
