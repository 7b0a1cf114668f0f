using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>pwrite(2): may write fewer bytes than asked; see <see cref="PosixIo.PWriteFull"/>. With O_APPEND Linux appends and ignores the offset.</summary>
    [LibraryImport(Name, EntryPoint = "pwrite", SetLastError = true)]
    internal static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);
}
