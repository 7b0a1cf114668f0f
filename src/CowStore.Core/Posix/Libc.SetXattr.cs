using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>setxattr(2) (follows symlinks); flags XATTR_CREATE 1, XATTR_REPLACE 2.</summary>
    [LibraryImport(Name, EntryPoint = "setxattr", SetLastError = true)]
    internal static partial int SetXattr(byte* path, byte* name, byte* value, nuint size, int flags);
}
