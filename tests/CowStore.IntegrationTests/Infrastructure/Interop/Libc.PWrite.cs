using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>pwrite(2): may write fewer bytes than asked.</summary>
    [LibraryImport(Name, EntryPoint = "pwrite", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);
}
