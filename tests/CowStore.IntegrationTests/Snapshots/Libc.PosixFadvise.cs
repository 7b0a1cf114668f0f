using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static partial class Libc
{
    public const int POSIX_FADV_DONTNEED = 4;

    /// <summary>posix_fadvise(3): returns the error number itself (0 on success), not -1/errno.</summary>
    [LibraryImport(Name, EntryPoint = "posix_fadvise")]
    internal static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
