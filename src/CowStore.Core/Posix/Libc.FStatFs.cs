using System.Runtime.InteropServices;
using CowStore.Core.Posix;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fstatfs(2) of the filesystem holding <paramref name="fd"/> (works on O_PATH fds).</summary>
    [LibraryImport(Name, EntryPoint = "fstatfs", SetLastError = true)]
    internal static partial int FStatFs(int fd, out StatFs statfs);
}
