using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getuid")]
    internal static partial uint Getuid();
}
