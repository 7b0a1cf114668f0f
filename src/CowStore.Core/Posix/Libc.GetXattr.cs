using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>getxattr(2) (follows symlinks); size 0 asks for the value size.</summary>
    [LibraryImport(Name, EntryPoint = "getxattr", SetLastError = true)]
    internal static partial nint GetXattr(byte* path, byte* name, byte* value, nuint size);
}
