using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getgid")]
    internal static partial uint Getgid();
}
