using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static unsafe partial class Libc
{
    /// <summary>pread(2): may return fewer bytes than asked; see <see cref="PosixIo.PReadFull"/>.</summary>
    [LibraryImport(Name, EntryPoint = "pread", SetLastError = true)]
    internal static partial nint PRead(int fd, byte* buffer, nuint count, long offset);
}
