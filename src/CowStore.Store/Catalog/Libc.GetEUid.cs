using System.Runtime.InteropServices;

namespace CowStore.Store.Catalog;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "geteuid")]
    internal static partial uint GetEUid();
}
