using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    internal const int POSIX_FADV_WILLNEED = 3;

    /// <summary>posix_fadvise(2); returns 0 or an error number (it does not set errno). Advice only: callers may ignore failure.</summary>
    [LibraryImport(Name, EntryPoint = "posix_fadvise")]
    internal static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
