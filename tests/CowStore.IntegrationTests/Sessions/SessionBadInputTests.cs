using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>Every bad input gets one clear line on stderr, a meaningful exit code, and changes nothing.</summary>
public sealed class SessionBadInputTests
{
    private const int Usage = 2;
    private const int NotFound = 3;
    private const int Conflict = 4;

    [Fact]
    public void MountErrors_AreOneLineWithExitCodes()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "file.txt"), "x");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string full = sandbox.NewMountpoint("full");
        File.WriteAllText(Path.Combine(full, "occupied"), "x");

        AssertFails(sandbox, NotFound, "base not found", "mount", Path.Combine(sandbox.Root, "missing"), mnt);
        AssertFails(sandbox, Usage, "base is not a directory", "mount", Path.Combine(sandbox.Base, "file.txt"), mnt);
        AssertFails(sandbox, NotFound, "no snapshot, base or tag named \"deadbeef\"", "mount", "deadbeef", mnt);
        AssertFails(sandbox, NotFound, "mountpoint not found", "mount", sandbox.Base, Path.Combine(sandbox.Root, "nope"));
        AssertFails(sandbox, Conflict, "mountpoint is not empty", "mount", sandbox.Base, full);
        AssertFails(sandbox, Usage, "invalid session name", "mount", "--session", "../escape", sandbox.Base, mnt);
        Assert.Empty(sandbox.Status());

        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        AssertFails(sandbox, Conflict, "mountpoint is already a mount", "mount", sandbox.Base, mnt);
        string other = sandbox.NewMountpoint("other");
        AssertFails(sandbox, Conflict, "already mounted", "mount", "--session", session, sandbox.Base, other);
        sandbox.CowstoreOk("umount", session);

        string otherBase = Path.Combine(sandbox.Root, "otherbase");
        Directory.CreateDirectory(otherBase);
        AssertFails(sandbox, Conflict, $"session {session} is over {sandbox.Base}", "mount", "--session", session, otherBase, other);
        Assert.Single(sandbox.Status());
    }

    [Fact]
    public void UmountAndDiscardErrors_AreOneLineWithExitCodes()
    {
        using var sandbox = new SessionSandbox();
        AssertFails(sandbox, NotFound, "no session named or mounted at", "umount", "no-such-session");
        AssertFails(sandbox, NotFound, "no session named or mounted at", "discard", "--yes", Path.Combine(sandbox.Root, "nowhere"));
        AssertFails(sandbox, Usage, "", "umount");

        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        // Standard input is not a terminal: discard refuses without --yes and leaves the session alone.
        AssertFails(sandbox, Usage, "pass --yes", "discard", session);
        Assert.Equal("mounted", sandbox.StatusOf(session)!.Value.GetProperty("state").GetString());
        sandbox.CowstoreOk("umount", session);
        CommandResult again = sandbox.CowstoreOk("umount", session);
        Assert.Contains("not mounted", again.Output, StringComparison.Ordinal);
    }

    private static void AssertFails(SessionSandbox sandbox, int exitCode, string message, params string[] arguments)
    {
        CommandResult result = sandbox.Cowstore(arguments);
        Assert.True(result.ExitCode == exitCode, $"cowstore {string.Join(' ', arguments)}: expected exit {exitCode}, got {result}");
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        if (message.Length > 0)
        {
            Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }
}
