using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

/// <summary><c>struct timespec</c> on x86_64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    /// <summary>tv_nsec value that sets the time to now (utimensat).</summary>
    public const long UtimeNow = (1L << 30) - 1;
    /// <summary>tv_nsec value that leaves the time unchanged (utimensat).</summary>
    public const long UtimeOmit = (1L << 30) - 2;

    public long Sec;
    public long Nsec;
}
