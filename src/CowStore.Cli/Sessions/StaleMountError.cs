using CowStore.Store.Sessions;

namespace CowStore.Cli.Sessions;

/// <summary>The error for a dead daemon's mount the reconciler could not remove (it already said why).</summary>
internal static class StaleMountError
{
    public static CliError For(SessionView session) => new(ExitCode.Conflict,
        $"session {session.Name} has a stale mount at {session.Record.Mountpoint} that cowstore could not remove; run: fusermount3 -u -z {session.Record.Mountpoint}");
}
