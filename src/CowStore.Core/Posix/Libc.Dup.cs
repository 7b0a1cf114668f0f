using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>dup(2).</summary>
    [LibraryImport(Name, EntryPoint = "dup", SetLastError = true)]
    internal static partial int Dup(int fd);
}
