using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>removexattr(2) (follows symlinks).</summary>
    [LibraryImport(Name, EntryPoint = "removexattr", SetLastError = true)]
    internal static partial int RemoveXattr(byte* path, byte* name);
}
