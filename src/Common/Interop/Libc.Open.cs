using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>open(2) without O_CREAT: no mode needed.</summary>
    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    /// <summary>open(2) with a mode, for O_CREAT.</summary>
    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, uint mode);
}
