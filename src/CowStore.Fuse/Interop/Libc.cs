using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop;

/// <summary>
/// libc entry points of the FUSE transport, one import per file (<c>Libc.&lt;Function&gt;.cs</c>).
/// Each returns -1 and sets errno on failure; <see cref="Errno"/> reads it right after the call.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    internal const int O_RDWR = 0x2;
    internal const int O_CLOEXEC = 0x80000;

    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int FD_CLOEXEC = 1;

    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1;
    internal const int SCM_RIGHTS = 1;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;

    internal const ulong MS_NOSUID = 2;
    internal const ulong MS_NODEV = 4;
    internal const int MNT_DETACH = 2;

    /// <summary>errno of the last P/Invoke on this thread, as a positive value.</summary>
    internal static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>"No such device (errno 19)": strerror text plus the number, for one-line messages.</summary>
    internal static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
