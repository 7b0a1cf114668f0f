using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>lseek(2).</summary>
    [LibraryImport(Name, EntryPoint = "lseek", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long LSeek(int fd, long offset, int whence);
}
