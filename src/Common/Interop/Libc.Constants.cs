namespace CowStore.Interop;

/// <summary>x86_64 Linux values of the flags and errnos the callers of <see cref="Libc"/> pass or test.</summary>
internal static partial class Libc
{
    internal const int O_RDONLY = 0;
    internal const int O_WRONLY = 1;
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_APPEND = 0x400;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_CLOEXEC = 0x80000;

    internal const int STDIN_FILENO = 0;
    internal const int STDOUT_FILENO = 1;
    internal const int STDERR_FILENO = 2;

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

    internal const int EPERM = 1;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EBUSY = 16;
    internal const int EINVAL = 22;
}
