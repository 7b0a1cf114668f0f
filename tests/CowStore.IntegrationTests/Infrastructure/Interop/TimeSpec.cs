using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

/// <summary><c>struct timespec</c> on x86_64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;

    public TimeSpec(long seconds, long nanoseconds)
    {
        Seconds = seconds;
        Nanoseconds = nanoseconds;
    }

    public override readonly string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}
