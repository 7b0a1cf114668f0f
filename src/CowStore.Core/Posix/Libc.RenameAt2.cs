using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>renameat2(2) (glibc 2.28+): flags RENAME_NOREPLACE 1, RENAME_EXCHANGE 2, RENAME_WHITEOUT 4.</summary>
    [LibraryImport(Name, EntryPoint = "renameat2", SetLastError = true)]
    internal static partial int RenameAt2(int oldDirFd, byte* oldPath, int newDirFd, byte* newPath, uint flags);
}
