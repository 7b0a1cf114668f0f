using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>realpath(3) with a null buffer: returns a malloc'ed string to release with <see cref="Free"/>.</summary>
    [LibraryImport(Name, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint RealPath(string path, nint resolved);
}
