using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fdatasync(2).</summary>
    [LibraryImport(Name, EntryPoint = "fdatasync", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FDataSync(int fd);
}
