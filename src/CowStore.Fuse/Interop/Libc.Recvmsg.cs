using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint Recvmsg(int fd, MsgHdr* message, int flags);
}
