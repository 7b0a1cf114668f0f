using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fsync(2).</summary>
    [LibraryImport(Name, EntryPoint = "fsync", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FSync(int fd);
}
