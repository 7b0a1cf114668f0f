using System.Runtime.InteropServices;

namespace CowStore.Store.Catalog;

/// <summary>
/// libc entry points of the catalog, one import per file (<c>Libc.&lt;Function&gt;.cs</c>).
/// Each returns -1 and sets errno on failure; <see cref="Errno"/> reads it right after the call.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    internal const int O_RDONLY = 0;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_CLOEXEC = 0x80000;
    internal const int MNT_DETACH = 2;

    internal const int EPERM = 1;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EBUSY = 16;
    internal const int EINVAL = 22;

    /// <summary>errno of the last P/Invoke on this thread, as a positive value.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();
}
