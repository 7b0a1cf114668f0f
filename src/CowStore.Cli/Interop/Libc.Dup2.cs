using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int Dup2(int oldFd, int newFd);
}
