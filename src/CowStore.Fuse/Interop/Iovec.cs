using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary><c>struct iovec</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Iovec
{
    public void* Base;
    public nuint Length;
}
