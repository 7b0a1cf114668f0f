using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>faccessat(2) with the daemon's credentials: mask F_OK 0, X_OK 1, W_OK 2, R_OK 4.</summary>
    [LibraryImport(Name, EntryPoint = "faccessat", SetLastError = true)]
    internal static partial int FAccessAt(int dirFd, byte* path, int mode, int flags);
}
