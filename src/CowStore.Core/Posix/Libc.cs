using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

/// <summary>
/// libc entry points used by the filesystems, one import per file (<c>Libc.&lt;Function&gt;.cs</c>).
/// Each returns -1 and sets errno on failure; <see cref="Errno"/> reads it right after the call.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    /// <summary>errno of the last P/Invoke on this thread, as a positive value.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>-errno of the last call: the return value of a failed filesystem operation.</summary>
    internal static int NegErrno => -Marshal.GetLastPInvokeError();
}
