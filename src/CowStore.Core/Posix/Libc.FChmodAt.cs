using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fchmodat(2) (follows the last component: glibc cannot chmod a symlink itself).</summary>
    [LibraryImport(Name, EntryPoint = "fchmodat", SetLastError = true)]
    internal static partial int FChmodAt(int dirFd, byte* path, uint mode, int flags);
}
