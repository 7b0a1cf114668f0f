using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>ftruncate(2).</summary>
    [LibraryImport(Name, EntryPoint = "ftruncate", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FTruncate(int fd, long length);
}
