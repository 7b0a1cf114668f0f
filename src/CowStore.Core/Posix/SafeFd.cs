using Microsoft.Win32.SafeHandles;

namespace CowStore.Core.Posix;

/// <summary>Owns one file descriptor and closes it exactly once.</summary>
internal sealed class SafeFd : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFd(int fd) : base(ownsHandle: true) => SetHandle(fd);

    /// <summary>The raw descriptor; valid until <see cref="SafeHandle.Dispose()"/>.</summary>
    public int Fd => (int)handle;

    // close(2) errors cannot be acted on here; callers that must report them use PosixIo.CloseReportingErrors.
    protected override bool ReleaseHandle()
    {
        Libc.Close((int)handle);
        return true;
    }
}
