using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

internal static unsafe partial class Libc
{
    /// <summary>mkdir(2).</summary>
    [LibraryImport(Name, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mkdir(string path, uint mode);
}
