using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>lseek(2), including SEEK_DATA (3) and SEEK_HOLE (4).</summary>
    [LibraryImport(Name, EntryPoint = "lseek", SetLastError = true)]
    internal static partial long LSeek(int fd, long offset, int whence);
}
