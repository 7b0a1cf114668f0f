using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>fstat(2).</summary>
    [LibraryImport(Name, EntryPoint = "fstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int FStat(int fd, out StatBuffer buffer);
}
