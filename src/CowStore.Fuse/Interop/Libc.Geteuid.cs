using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "geteuid")]
    internal static partial uint Geteuid();
}
