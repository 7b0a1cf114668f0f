using System.Runtime.InteropServices;

namespace CowStore.Interop;

/// <summary>
/// libc entry points, one import per file (<c>Libc.&lt;Function&gt;.cs</c>). Imports used by more than one
/// assembly live in src/Common/Interop and are linked into each project (see Libc.props); imports only one
/// assembly needs (or that take its structs) stay in that project, in this same partial class.
/// Each returns -1 and sets errno on failure; <see cref="Errno"/> reads it right after the call.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    /// <summary>errno of the last P/Invoke on this thread, as a positive value.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>-errno of the last call: the return value of a failed filesystem operation.</summary>
    internal static int NegErrno => -Marshal.GetLastPInvokeError();

    /// <summary>"No such device (errno 19)": strerror text plus the number, for one-line messages.</summary>
    internal static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
