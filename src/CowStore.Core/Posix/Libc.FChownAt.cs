using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fchownat(2): uint.MaxValue leaves an id unchanged; AT_EMPTY_PATH works on O_PATH fds (also symlinks).</summary>
    [LibraryImport(Name, EntryPoint = "fchownat", SetLastError = true)]
    internal static partial int FChownAt(int dirFd, byte* path, uint uid, uint gid, int flags);
}
