using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>getegid(2).</summary>
    [LibraryImport(Name, EntryPoint = "getegid", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint GetEGid();
}
