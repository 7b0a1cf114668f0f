using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fstatvfs(3).</summary>
    [LibraryImport(Name, EntryPoint = "fstatvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FStatVfs(int fd, out StatVfsBuffer buffer);
}
