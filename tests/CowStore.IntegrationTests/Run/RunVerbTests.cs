using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Run;

/// <summary>
/// <c>cowstore run</c> with real mounts and real processes: the command sees the mount, its exit code and
/// signals come through, keep/discard/commit do what they say, and no mount is ever left behind.
/// </summary>
public sealed class RunVerbTests
{
    private const int SIGHUP = 1;
    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    [Fact]
    public void Command_SeesTheMountInAPrivateDirectory_AndItsExitCodeIsReturned()
    {
        using var sandbox = NewSandbox();
        string seen = Path.Combine(sandbox.Root, "seen");

        CommandResult result = sandbox.CowstoreRun("--discard", sandbox.Base, "--",
            "sh", "-c", """
                cat "$COWSTORE_MOUNT/hello.txt" > "$0/content"
                echo "$COWSTORE_MOUNT" > "$0/mount"
                echo "$COWSTORE_SESSION" > "$0/session"
                stat -c %a "$(dirname "$COWSTORE_MOUNT")" > "$0/parent-mode"
                grep -c " $COWSTORE_MOUNT .* - fuse" /proc/self/mountinfo > "$0/fuse"
                exit 3
                """, CreateDirectory(seen));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("hello", Read(seen, "content"));
        string mount = Read(seen, "mount");
        Assert.StartsWith(sandbox.Temp + "/cowstore-run-", mount, StringComparison.Ordinal);
        Assert.Equal("700", Read(seen, "parent-mode"));
        Assert.Equal("1", Read(seen, "fuse"));
        Assert.NotEmpty(Read(seen, "session"));
        Assert.False(Directory.Exists(Path.GetDirectoryName(mount)), $"the private mountpoint {mount} was not removed");
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
    }

    [Fact]
    public void Keep_IsTheDefault_PrintsTheSessionLast_AndTheSessionHoldsTheChanges()
    {
        using var sandbox = NewSandbox();
        string digest = TreeDigest.Of(sandbox.Base);

        CommandResult result = sandbox.CowstoreRun(sandbox.Base, "--", "sh", "-c", "echo changed > \"$COWSTORE_MOUNT/hello.txt\"; echo new > \"$COWSTORE_MOUNT/new.txt\"");

        Assert.True(result.ExitCode == 0, result.ToString());
        string session = result.LastLine;
        Assert.Equal([session], sandbox.SessionNames());
        Assert.Equal("detached", sandbox.Sessions.StatusOf(session)!.Value.GetProperty("state").GetString());
        sandbox.AssertNoMountLeft();
        Assert.Equal(digest, TreeDigest.Of(sandbox.Base));

        string mnt = sandbox.Sessions.NewMountpoint("resumed");
        sandbox.Sessions.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(mnt, "hello.txt")));
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(mnt, "new.txt")));
        sandbox.Sessions.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void Session_ResumesANamedSessionAcrossRuns_AndDiscardEmptiesButKeepsIt()
    {
        using var sandbox = NewSandbox();

        CommandResult first = sandbox.CowstoreRun("--session", "work", sandbox.Base, "--", "sh", "-c", "echo 1 > \"$COWSTORE_MOUNT/first.txt\"");
        CommandResult second = sandbox.CowstoreRun("--session", "work", sandbox.Base, "--", "sh", "-c", "test -f \"$COWSTORE_MOUNT/first.txt\"");
        CommandResult discarded = sandbox.CowstoreRun("--session", "work", "--discard", sandbox.Base, "--", "true");
        CommandResult after = sandbox.CowstoreRun("--session", "work", sandbox.Base, "--", "sh", "-c", "test ! -e \"$COWSTORE_MOUNT/first.txt\"");

        Assert.True(first.ExitCode == 0 && first.LastLine == "work", first.ToString());
        Assert.True(second.ExitCode == 0, $"the second run did not see the first run's file: {second}");
        Assert.True(discarded.ExitCode == 0, discarded.ToString());
        Assert.True(after.ExitCode == 0, $"the discarded file is still there: {after}");
        Assert.Equal(["work"], sandbox.SessionNames());
        sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void Discard_DropsEveryChange_AndTheSession()
    {
        using var sandbox = NewSandbox();
        string digest = TreeDigest.Of(sandbox.Base);

        CommandResult result = sandbox.CowstoreRun("--discard", sandbox.Base, "--", "sh", "-c", "echo x > \"$COWSTORE_MOUNT/new.txt\"; rm \"$COWSTORE_MOUNT/hello.txt\"");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(sandbox.SessionNames());

        CommandResult after = sandbox.CowstoreRun("--discard", sandbox.Base, "--", "sh", "-c", "test -f \"$COWSTORE_MOUNT/hello.txt\" && test ! -e \"$COWSTORE_MOUNT/new.txt\"");
        Assert.True(after.ExitCode == 0, $"a later run still sees the discarded changes: {after}");
        Assert.Equal(digest, TreeDigest.Of(sandbox.Base));
        sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void At_MountsOnTheGivenDirectory_AndLeavesItEmptyAndUnmounted()
    {
        using var sandbox = NewSandbox();
        string at = sandbox.Sessions.NewMountpoint("at");

        CommandResult result = sandbox.CowstoreRun("--discard", "--at", at, sandbox.Base, "--", "sh", "-c", "test \"$COWSTORE_MOUNT\" = \"$0\" && test -f \"$0/hello.txt\"", at);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Directory.Exists(at));
        Assert.Empty(Directory.EnumerateFileSystemEntries(at));
        sandbox.AssertNoMountLeft();
    }

    [Theory]
    [InlineData(SIGTERM)]
    [InlineData(SIGINT)]
    [InlineData(SIGHUP)]
    public void StopSignal_IsForwarded_AndASignalDeathIs128PlusItsNumber(int signal)
    {
        using var sandbox = NewSandbox();
        string ready = Path.Combine(sandbox.Root, "ready");
        // env restores default dispositions: under nohup, or as a background job of a script, SIGHUP or SIGINT arrive ignored.
        Process run = sandbox.Start("env", "--default-signal", CowstoreCommand.Executable, "run", "--discard", sandbox.Base, "--",
            "sh", "-c", "trap - INT; touch \"$0\"; exec sleep 600", ready);
        RunSandbox.WaitForFile(ready, run);

        RunSandbox.Signal(run, signal);
        CommandResult result = RunSandbox.Wait(run);

        Assert.True(result.ExitCode == 128 + signal, result.ToString());
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
    }

    [Fact]
    public void ForwardedSignal_ReachesACommandThatCleansUpOnTheMount_BeforeTheUnmount()
    {
        using var sandbox = NewSandbox();
        string ready = Path.Combine(sandbox.Root, "ready");
        Process run = sandbox.Start(CowstoreCommand.Executable, "run", sandbox.Base, "--",
            "sh", "-c", "trap 'echo stopped > \"$COWSTORE_MOUNT/shutdown.txt\"; exit 7' TERM; touch \"$0\"; while :; do sleep 0.1; done", ready);
        RunSandbox.WaitForFile(ready, run);

        RunSandbox.Signal(run, SIGTERM);
        CommandResult result = RunSandbox.Wait(run);

        Assert.True(result.ExitCode == 7, result.ToString());
        sandbox.AssertNoMountLeft();
        string mnt = sandbox.Sessions.NewMountpoint("resumed");
        sandbox.Sessions.CowstoreOk("mount", "--session", result.LastLine, sandbox.Base, mnt);
        Assert.Equal("stopped\n", File.ReadAllText(Path.Combine(mnt, "shutdown.txt")));
        sandbox.Sessions.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void CommandKilledBySigkill_LeavesNoMount_AndKeepsTheSession()
    {
        using var sandbox = NewSandbox();

        CommandResult result = sandbox.CowstoreRun(sandbox.Base, "--", "sh", "-c", "echo partial > \"$COWSTORE_MOUNT/partial.txt\"; kill -KILL $$");

        Assert.True(result.ExitCode == 137, result.ToString());
        sandbox.AssertNoMountLeft();
        Assert.Equal([result.LastLine], sandbox.SessionNames());
    }

    [Theory]
    [InlineData("/nonexistent/command", 127)]
    [InlineData("/etc/hostname", 126)]
    public void CommandThatCannotStart_LeavesNoMountAndNoSession(string command, int expectedExit)
    {
        using var sandbox = NewSandbox();

        CommandResult result = sandbox.CowstoreRun("--commit", sandbox.Base, "--", command);

        Assert.True(result.ExitCode == expectedExit, result.ToString());
        Assert.Contains($"cannot run {command}", result.Error, StringComparison.Ordinal);
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Temp));
    }

    [Fact]
    public void BackgroundProcessHoldingTheMount_DelaysTheUnmountUntilItEnds()
    {
        using var sandbox = NewSandbox();

        // The command exits at once; the subshell it leaves keeps its working directory inside the mount for 2 s.
        CommandResult result = sandbox.CowstoreRun("--discard", sandbox.Base, "--",
            "sh", "-c", "cd \"$COWSTORE_MOUNT\" && (sleep 2 </dev/null >/dev/null 2>&1 &) ; exit 0");

        Assert.True(result.ExitCode == 0, result.ToString());
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
    }

    [Fact]
    public void Commit_AfterAFailedCommand_KeepsTheSessionInstead()
    {
        using var sandbox = NewSandbox();

        CommandResult result = sandbox.CowstoreRun("--commit", "-m", "never", sandbox.Base, "--", "sh", "-c", "echo half > \"$COWSTORE_MOUNT/half.txt\"; exit 5");

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("not committing", result.Error, StringComparison.Ordinal);
        Assert.Equal([result.LastLine], sandbox.SessionNames());
        sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void Commit_PrintsTheNewSnapshotIdLast_AndRecordsTheMetadata()
    {
        using var sandbox = NewSandbox();

        CommandResult result = sandbox.CowstoreRun(sandbox.Base, "--commit", "--meta", "origin=run-test", "-m", "from run", "--",
            "sh", "-c", "echo committed > \"$COWSTORE_MOUNT/new.txt\"");

        Assert.True(result.ExitCode == 0, result.ToString());
        string id = result.LastLine;
        Assert.Matches("^[0-9a-z][0-9a-z:_.-]{7,}$", id);
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
        CommandResult log = sandbox.Sessions.CowstoreOk("log", "-n", "1", id);
        Assert.Contains("Meta:   origin=run-test", log.Output, StringComparison.Ordinal);
        Assert.Contains("from run", log.Output, StringComparison.Ordinal);

        // The new snapshot is a base for the next run.
        CommandResult next = sandbox.CowstoreRun("--discard", id, "--", "sh", "-c", "test \"$(cat \"$COWSTORE_MOUNT/new.txt\")\" = committed");
        Assert.True(next.ExitCode == 0, $"a run on snapshot {id} does not see the committed file: {next}");
        sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void Usage_Errors_MountNothing()
    {
        using var sandbox = NewSandbox();

        Assert.Equal(2, sandbox.CowstoreRun(sandbox.Base).ExitCode);
        Assert.Equal(2, sandbox.CowstoreRun("--keep", "--discard", sandbox.Base, "--", "true").ExitCode);
        Assert.Equal(2, sandbox.CowstoreRun("-m", "no commit", sandbox.Base, "--", "true").ExitCode);
        Assert.Equal(3, sandbox.CowstoreRun(Path.Combine(sandbox.Root, "missing"), "--", "true").ExitCode);
        sandbox.AssertNoMountLeft();
        Assert.Empty(sandbox.SessionNames());
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Temp));
    }

    private static RunSandbox NewSandbox([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var sandbox = new RunSandbox($"run-{test}");
        File.WriteAllText(Path.Combine(sandbox.Base, "hello.txt"), "hello");
        sandbox.Sessions.SealBase();
        return sandbox;
    }

    private static string CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Read(string directory, string name) => File.ReadAllText(Path.Combine(directory, name)).Trim();
}
