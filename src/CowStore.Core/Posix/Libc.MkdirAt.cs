using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>mkdirat(2).</summary>
    [LibraryImport(Name, EntryPoint = "mkdirat", SetLastError = true)]
    internal static partial int MkdirAt(int dirFd, byte* path, uint mode);
}
