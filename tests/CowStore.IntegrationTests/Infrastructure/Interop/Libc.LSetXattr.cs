using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>lsetxattr(2).</summary>
    [LibraryImport(Name, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LSetXattr(string path, string name, byte* value, nuint size, int flags);
}
