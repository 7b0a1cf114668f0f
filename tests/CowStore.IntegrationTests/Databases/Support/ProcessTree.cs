using CowStore.IntegrationTests.Infrastructure.Interop;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>Liveness checks and SIGKILL by pid or process group, read from /proc.</summary>
internal static class ProcessTree
{
    public const int SIGKILL = 9;

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        string? stat = ReadStat(pid);
        return stat is not null && StateOf(stat) != 'Z';
    }

    /// <summary>Pids (zombies included) whose process group is <paramref name="pgid"/>.</summary>
    public static List<int> GroupMembers(int pgid)
    {
        var members = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && ReadStat(pid) is string stat
                && FieldAfterCommand(stat, 2) == pgid.ToString())
            {
                members.Add(pid);
            }
        }
        return members;
    }

    /// <summary>SIGKILL to <paramref name="pid"/> and waits until it is gone, reaped included.</summary>
    public static void Kill(int pid, TimeSpan timeout)
    {
        _ = Libc.Kill(pid, SIGKILL);
        WaitGone(() => ReadStat(pid) is not null, $"pid {pid}", timeout);
    }

    /// <summary>
    /// SIGKILL to the whole process group <paramref name="pgid"/> and waits until it is empty, reaped
    /// included: PostgreSQL takes a postmaster.pid whose pid still answers kill(pid, 0) (a zombie
    /// does) for a running server and refuses to start.
    /// </summary>
    public static void KillGroup(int pgid, TimeSpan timeout)
    {
        _ = Libc.Kill(-pgid, SIGKILL);
        WaitGone(() => GroupMembers(pgid).Count > 0, $"process group {pgid}", timeout);
    }

    private static void WaitGone(Func<bool> alive, string what, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (alive())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} still exists {timeout.TotalSeconds} s after SIGKILL (stuck in D state on a dead mount, or a zombie nobody reaps?)");
            }
            Thread.Sleep(20);
        }
    }

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // /proc/PID/stat is "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after the last ')'.
    private static char StateOf(string stat) => FieldAfterCommand(stat, 0)[0];

    private static string FieldAfterCommand(string stat, int index) =>
        stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[index];
}
