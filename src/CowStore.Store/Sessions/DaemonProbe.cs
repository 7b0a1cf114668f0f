using CowStore.Store.Catalog;

namespace CowStore.Store.Sessions;

/// <summary>Tells whether the daemon recorded for a session is still running.</summary>
public static class DaemonProbe
{
    /// <summary>
    /// True when <paramref name="pid"/> is alive and started at <paramref name="startTime"/> (field 22 of
    /// /proc/&lt;pid&gt;/stat), so a pid reused by another program after a crash counts as dead.
    /// </summary>
    public static bool IsServing(int pid, ulong? startTime)
    {
        if (pid <= 0 || !IsAlive(pid))
        {
            return false;
        }
        ulong? actual = StartTimeOf(pid);
        return startTime is null || actual is null || actual == startTime;
    }

    /// <summary>kill(pid, 0): the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (Libc.Kill(pid, 0) == 0)
        {
            return ReadStatState(pid) != 'Z';
        }
        return Libc.Errno == Libc.EPERM;
    }

    /// <summary>When <paramref name="pid"/> started, in clock ticks since boot; null if unknown.</summary>
    public static ulong? StartTimeOf(int pid)
    {
        string[]? fields = ReadStatFieldsAfterName(pid);
        // Fields after "(comm)" start at field 3 (state); starttime is field 22.
        return fields is { Length: > 19 } && ulong.TryParse(fields[19], out ulong ticks) ? ticks : null;
    }

    /// <summary>Waits until <paramref name="pid"/> has exited; false on timeout.</summary>
    public static bool WaitForExit(int pid, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    private static char? ReadStatState(int pid)
    {
        string[]? fields = ReadStatFieldsAfterName(pid);
        return fields is { Length: > 0 } && fields[0].Length == 1 ? fields[0][0] : null;
    }

    private static string[]? ReadStatFieldsAfterName(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name may contain spaces and parentheses: everything after the last ')' is fixed.
        int close = stat.LastIndexOf(')');
        return close < 0 ? null : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
