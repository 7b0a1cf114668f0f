using CowStore.Store.Sessions;

namespace CowStore.Cli.Sessions;

/// <summary>Finds the session a user means by <c>&lt;mountpoint|session&gt;</c>.</summary>
internal static class TargetResolver
{
    public static SessionView Resolve(IReadOnlyList<SessionView> sessions, string target)
    {
        SessionView? byName = sessions.FirstOrDefault(s => s.Name == target);
        if (byName is not null)
        {
            return byName;
        }
        string path = PathArguments.Absolute(target);
        SessionView? byMountpoint = sessions.FirstOrDefault(s => s.Record.Mountpoint == path);
        return byMountpoint ?? throw new CliError(ExitCode.NotFound, $"no session named or mounted at {target} (see cowstore status)");
    }
}
