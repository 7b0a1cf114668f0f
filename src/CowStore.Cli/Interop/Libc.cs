using System.Runtime.InteropServices;

namespace CowStore.Cli.Interop;

/// <summary>
/// libc entry points of the command and its daemon, one import per file (<c>Libc.&lt;Function&gt;.cs</c>).
/// Each returns -1 and sets errno on failure; <see cref="Errno"/> reads it right after the call.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";

    internal const int O_RDONLY = 0;
    internal const int O_RDWR = 2;
    internal const int O_WRONLY = 1;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_CLOEXEC = 0x80000;

    internal const int STDIN_FILENO = 0;
    internal const int STDOUT_FILENO = 1;
    internal const int STDERR_FILENO = 2;

    internal static int Errno => Marshal.GetLastPInvokeError();
}
