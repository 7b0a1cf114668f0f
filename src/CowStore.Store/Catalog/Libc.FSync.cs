using System.Runtime.InteropServices;

namespace CowStore.Store.Catalog;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);
}
