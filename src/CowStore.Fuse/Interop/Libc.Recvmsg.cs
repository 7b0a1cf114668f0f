using System.Runtime.InteropServices;
using CowStore.Fuse.Interop;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint Recvmsg(int fd, MsgHdr* message, int flags);
}
