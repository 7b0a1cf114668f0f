using System.Runtime.InteropServices;

namespace CowStore.Cli.Daemon;

/// <summary>Detaches a daemon from the command that started it: own session, stdio on its log file.</summary>
internal static class DaemonStdio
{
    /// <summary>
    /// setsid(2) so terminal signals and hangups of the starting shell do not reach us, then points fds
    /// 0-2 at /dev/null and <paramref name="logPath"/>, so runtime crash reports land in the log too.
    /// Returns a writer on the log. Console writers created before this call still hold the old fds.
    /// </summary>
    public static TextWriter Detach(string logPath)
    {
        Libc.Setsid(); // Fails only if we already lead a session (started by hand): harmless.
        Redirect("/dev/null", Libc.O_RDONLY, Libc.STDIN_FILENO);
        Redirect(logPath, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.STDOUT_FILENO);
        Redirect(logPath, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, Libc.STDERR_FILENO);
        var log = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        Console.SetOut(log);
        Console.SetError(log);
        return log;
    }

    private static void Redirect(string path, int flags, int target)
    {
        int fd = Libc.Open(path, flags | Libc.O_CLOEXEC, 0b110_000_000);
        if (fd < 0)
        {
            throw new IOException($"cannot open {path}: {Marshal.GetPInvokeErrorMessage(Libc.Errno)}");
        }
        // dup2 clears close-on-exec on the target, as stdio must be.
        int result = Libc.Dup2(fd, target);
        int errno = Libc.Errno;
        Libc.Close(fd);
        if (result < 0)
        {
            throw new IOException($"cannot redirect fd {target} to {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }
}
