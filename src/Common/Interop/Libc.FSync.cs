using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>fsync(2): data and metadata reach stable storage.</summary>
    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);
}
