namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// The unprivileged accounts the permission tests act as (created by scripts/setup-system.sh):
/// <c>cowstore-test</c> owns files, <c>cowstore-other</c> is the user who must be denied.
/// </summary>
internal sealed record TestUser(string Name, uint Uid, uint Gid)
{
    public static TestUser Owner => Lookup("cowstore-test");

    public static TestUser Other => Lookup("cowstore-other");

    public static TestUser Lookup(string name)
    {
        ProcessResult uid = ProcessRunner.Run("id", ["-u", name]);
        ProcessResult gid = ProcessRunner.Run("id", ["-g", name]);
        if (uid.ExitCode != 0 || gid.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"test user {name} does not exist: run 'make system' (scripts/setup-system.sh creates cowstore-test and cowstore-other)");
        }
        return new TestUser(name, uint.Parse(uid.Stdout.Trim()), uint.Parse(gid.Stdout.Trim()));
    }

    /// <summary>setpriv arguments that switch to this user, ending with "--" before the command.</summary>
    public IEnumerable<string> SetprivArguments() =>
        [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--"];
}
