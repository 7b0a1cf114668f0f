using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>ftruncate(2): shrink or extend (sparse) an open file.</summary>
    [LibraryImport(Name, EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int FTruncate(int fd, long length);
}
