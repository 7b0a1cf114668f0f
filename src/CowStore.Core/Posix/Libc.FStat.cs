using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

internal static unsafe partial class Libc
{
    /// <summary>fstat(2) into the x86_64 <c>struct stat</c>.</summary>
    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FStat(int fd, out Stat stat);
}
