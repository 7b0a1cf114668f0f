using System.Runtime.InteropServices;
using CowStore.Core.Posix;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fstat(2) into the x86_64 <c>struct stat</c>.</summary>
    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FStat(int fd, out Stat stat);
}
