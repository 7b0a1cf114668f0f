using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;

    /// <summary>flock(2): advisory whole-file lock owned by the open file description (so a second open in the same process conflicts).</summary>
    [LibraryImport(Name, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);
}
