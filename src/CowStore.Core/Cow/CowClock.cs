namespace CowStore.Core.Cow;

/// <summary>Wall-clock time as (seconds, nanoseconds) since the Unix epoch, for inode times.</summary>
internal static class CowClock
{
    public static (long Seconds, uint Nanoseconds) Now()
    {
        long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        return (ticks / TimeSpan.TicksPerSecond, (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }
}
