using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fdatasync(2): data (and the metadata needed to read it) reach stable storage.</summary>
    [LibraryImport(Name, EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int FDataSync(int fd);
}
