using System.Runtime.InteropServices;
using CowStore.Core.Posix;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fstatat(2) into the x86_64 <c>struct stat</c>; AT_EMPTY_PATH with an empty path stats the fd itself (works on O_PATH fds).</summary>
    [LibraryImport(Name, EntryPoint = "fstatat", SetLastError = true)]
    internal static partial int FStatAt(int dirFd, byte* path, out Stat stat, int flags);
}
