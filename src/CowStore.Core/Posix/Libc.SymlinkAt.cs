using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>symlinkat(2): creates <paramref name="linkPath"/> pointing at <paramref name="target"/>.</summary>
    [LibraryImport(Name, EntryPoint = "symlinkat", SetLastError = true)]
    internal static partial int SymlinkAt(byte* target, int newDirFd, byte* linkPath);
}
