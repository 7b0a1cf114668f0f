using System.Runtime.InteropServices;

namespace CowStore.Cli.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getegid", SetLastError = true)]
    internal static partial uint GetEGid();
}
