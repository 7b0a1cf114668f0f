using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fallocate(2).</summary>
    [LibraryImport(Name, EntryPoint = "fallocate", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FAllocate(int fd, int mode, long offset, long length);
}
