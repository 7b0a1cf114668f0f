using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>linkat(2). With AT_FDCWD + "/proc/self/fd/N" + AT_SYMLINK_FOLLOW it links an O_PATH fd without CAP_DAC_READ_SEARCH.</summary>
    [LibraryImport(Name, EntryPoint = "linkat", SetLastError = true)]
    internal static partial int LinkAt(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath, int flags);
}
