using System.Runtime.InteropServices;
using CowStore.Core.Posix;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>utimensat(2): two timespecs (atime, mtime); tv_nsec UTIME_NOW / UTIME_OMIT. AT_EMPTY_PATH works on O_PATH fds (kernel 5.8+).</summary>
    [LibraryImport(Name, EntryPoint = "utimensat", SetLastError = true)]
    internal static partial int UtimensAt(int dirFd, byte* path, TimeSpec* times, int flags);
}
