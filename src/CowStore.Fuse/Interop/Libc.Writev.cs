using System.Runtime.InteropServices;
using CowStore.Fuse.Interop;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "writev", SetLastError = true)]
    internal static unsafe partial nint Writev(int fd, Iovec* iov, int iovcnt);
}
