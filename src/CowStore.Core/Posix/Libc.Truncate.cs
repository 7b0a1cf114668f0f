using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>truncate(2) by path (used with /proc/self/fd/N when no writable fd is at hand).</summary>
    [LibraryImport(Name, EntryPoint = "truncate", SetLastError = true)]
    internal static partial int Truncate(byte* path, long length);
}
