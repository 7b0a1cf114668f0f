using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>getdents64(2) (glibc 2.30+): packed <c>linux_dirent64</c> records; 0 at the end of the directory.</summary>
    [LibraryImport(Name, EntryPoint = "getdents64", SetLastError = true)]
    internal static partial nint GetDents64(int fd, byte* buffer, nuint size);
}
