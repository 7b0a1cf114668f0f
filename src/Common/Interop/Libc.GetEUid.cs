using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>geteuid(2): 0 when the process runs as root.</summary>
    [LibraryImport(Name, EntryPoint = "geteuid", SetLastError = true)]
    internal static partial uint GetEUid();
}
