using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>geteuid(2).</summary>
    [LibraryImport(Name, EntryPoint = "geteuid", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint GetEUid();
}
