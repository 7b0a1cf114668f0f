using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>getegid(2).</summary>
    [LibraryImport(Name, EntryPoint = "getegid", SetLastError = true)]
    internal static partial uint GetEGid();
}
