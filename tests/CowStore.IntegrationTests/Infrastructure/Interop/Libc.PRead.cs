using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>pread(2): may return fewer bytes than asked.</summary>
    [LibraryImport(Name, EntryPoint = "pread", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint PRead(int fd, byte* buffer, nuint count, long offset);
}
