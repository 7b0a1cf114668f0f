using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

internal static unsafe partial class Libc
{
    /// <summary>geteuid(2): 0 when the daemon runs as root.</summary>
    [LibraryImport(Name, EntryPoint = "geteuid", SetLastError = true)]
    internal static partial uint GetEUid();
}
