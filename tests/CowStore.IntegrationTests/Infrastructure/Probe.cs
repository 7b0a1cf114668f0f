namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>Runs native/posix-probe: as this user, as another user, or as a lock holder.</summary>
internal static class Probe
{
    private static readonly Lazy<string> s_path = new(TestBinaries.Probe);

    public static ProbeResult Run(params string[] arguments) =>
        new(ProcessRunner.Run(s_path.Value, arguments));

    /// <summary>Runs the probe with another user's uid, gid and groups (the caller must be root).</summary>
    public static ProbeResult RunAs(TestUser user, params string[] arguments) =>
        new(ProcessRunner.Run("setpriv", user.SetprivArguments().Append(s_path.Value).Concat(arguments)));

    /// <summary>Starts <c>lock-&lt;kind&gt;</c> holding the lock until <see cref="LockHolder.Release"/>.</summary>
    public static LockHolder HoldLock(string kind, string file) =>
        LockHolder.Start(ProcessRunner.StartInfo(s_path.Value, [$"lock-{kind}", file, "-1"]));
}
