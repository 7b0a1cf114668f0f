using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>copy_file_range(2): offsets are updated in place; may copy less than asked.</summary>
    [LibraryImport(Name, EntryPoint = "copy_file_range", SetLastError = true)]
    internal static partial nint CopyFileRange(int fdIn, long* offsetIn, int fdOut, long* offsetOut, nuint length, uint flags);
}
