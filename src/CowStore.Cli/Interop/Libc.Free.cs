using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "free", SetLastError = true)]
    internal static partial void Free(nint pointer);
}
