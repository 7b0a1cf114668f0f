using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>unlinkat(2): AT_REMOVEDIR (0x200) removes a directory.</summary>
    [LibraryImport(Name, EntryPoint = "unlinkat", SetLastError = true)]
    internal static partial int UnlinkAt(int dirFd, byte* path, int flags);
}
