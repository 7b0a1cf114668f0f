using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Sessions;

/// <summary>
/// Unmounts a mounted session from outside its daemon and waits for the daemon to close the delta
/// durably and exit. The session itself is kept (an ephemeral one ends here).
/// </summary>
internal static class SessionUnmounter
{
    public static readonly TimeSpan DaemonExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Unmounts <paramref name="session"/>. Returns true when the daemon has exited, false after a lazy
    /// detach that leaves it serving files still open.
    /// </summary>
    /// <param name="busyAdvice">What the busy error tells the user to do next.</param>
    public static bool Unmount(SessionCatalog catalog, SessionView session, bool lazy, string busyAdvice)
    {
        SessionRecord record = session.Record;
        string mountPoint = record.Mountpoint!;
        UnmountResult result = MountDetacher.Unmount(mountPoint, lazy);
        if (result == UnmountResult.Busy)
        {
            throw new CliError(ExitCode.Conflict, $"mount is busy: {mountPoint} has open files or a working directory inside it; {busyAdvice}");
        }
        if (lazy)
        {
            return false;
        }
        int pid = record.DaemonPid!.Value;
        if (!DaemonProbe.WaitForExit(pid, DaemonExitTimeout))
        {
            throw new CliError(ExitCode.Failure,
                $"{mountPoint} is unmounted but daemon {pid} of session {record.Name} is still closing the delta after {DaemonExitTimeout.TotalSeconds:0} s; see {catalog.State.DaemonLog(record.Name)}");
        }
        // A daemon that died while closing could not record it: do it for it.
        SessionRecord? current = catalog.TryLoad(record.Name);
        if (current is not null && current.DaemonPid == pid)
        {
            if (current.Ephemeral)
            {
                catalog.Remove(current);
            }
            else
            {
                catalog.Save(current.AsDetached());
            }
        }
        return true;
    }
}
