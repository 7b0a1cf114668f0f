using System.Runtime.InteropServices;

namespace CowStore.Store.Catalog;

internal static partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getegid")]
    internal static partial uint GetEGid();
}
