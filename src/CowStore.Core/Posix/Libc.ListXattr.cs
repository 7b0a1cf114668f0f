using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>listxattr(2) (follows symlinks): NUL-separated names; size 0 asks for the list size.</summary>
    [LibraryImport(Name, EntryPoint = "listxattr", SetLastError = true)]
    internal static partial nint ListXattr(byte* path, byte* list, nuint size);
}
