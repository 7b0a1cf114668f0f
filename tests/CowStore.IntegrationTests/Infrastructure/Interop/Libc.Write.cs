using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>write(2) at the file offset (O_APPEND tests).</summary>
    [LibraryImport(Name, EntryPoint = "write", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint Write(int fd, byte* buffer, nuint count);
}
