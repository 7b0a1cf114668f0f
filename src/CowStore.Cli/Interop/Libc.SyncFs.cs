using System.Runtime.InteropServices;

namespace CowStore.Interop;

internal static partial class Libc
{
    /// <summary>syncfs(2): writes back the dirty pages of the filesystem <paramref name="fd"/> is on.</summary>
    [LibraryImport(Name, EntryPoint = "syncfs", SetLastError = true)]
    internal static partial int SyncFs(int fd);
}
