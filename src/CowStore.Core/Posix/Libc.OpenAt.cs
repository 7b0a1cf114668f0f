using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>openat(2): path relative to <paramref name="dirFd"/> (or AT_FDCWD); returns the new fd or -1.</summary>
    [LibraryImport(Name, EntryPoint = "openat", SetLastError = true)]
    internal static partial int OpenAt(int dirFd, byte* path, int flags, uint mode);
}
