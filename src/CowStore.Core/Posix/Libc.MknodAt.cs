using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>mknodat(2): fifos, sockets, device and regular files. <paramref name="dev"/> is a glibc dev_t.</summary>
    [LibraryImport(Name, EntryPoint = "mknodat", SetLastError = true)]
    internal static partial int MknodAt(int dirFd, byte* path, uint mode, ulong dev);
}
