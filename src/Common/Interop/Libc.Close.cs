using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>close(2). Never retried on EINTR: on Linux the fd is gone either way.</summary>
    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
