using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>readlinkat(2): no NUL terminator; an empty path reads the link an O_PATH|O_NOFOLLOW fd refers to.</summary>
    [LibraryImport(Name, EntryPoint = "readlinkat", SetLastError = true)]
    internal static partial nint ReadLinkAt(int dirFd, byte* path, byte* buffer, nuint size);
}
