using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>The session commands end to end: the real binary, a real daemon, real mounts.</summary>
public sealed class SessionLifecycleTests
{
    [Fact]
    public void MountWriteUmountRemountDiscard_KeepsChangesUntilDiscarded()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "config.txt"), "original");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        Assert.True(Infrastructure.MountInfo.IsMounted(mnt));
        File.WriteAllText(Path.Combine(mnt, "new.txt"), "written through cowstore");
        File.WriteAllText(Path.Combine(mnt, "config.txt"), "changed");

        JsonElement mounted = sandbox.StatusOf(session)!.Value;
        Assert.Equal("mounted", mounted.GetProperty("state").GetString());
        Assert.Equal(sandbox.Base, mounted.GetProperty("base").GetString());
        Assert.Equal(mnt, mounted.GetProperty("mountpoint").GetString());
        Assert.True(mounted.GetProperty("deltaBytes").GetInt64() > 0);
        Assert.False(mounted.GetProperty("ephemeral").GetBoolean());
        Assert.Equal(JsonValueKind.Number, mounted.GetProperty("pid").ValueKind);

        sandbox.CowstoreOk("umount", mnt);
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt));
        JsonElement detached = sandbox.StatusOf(session)!.Value;
        Assert.Equal("detached", detached.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, detached.GetProperty("pid").ValueKind);
        Assert.Equal("original", File.ReadAllText(Path.Combine(sandbox.Base, "config.txt")));

        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.Equal("written through cowstore", File.ReadAllText(Path.Combine(mnt, "new.txt")));
        Assert.Equal("changed", File.ReadAllText(Path.Combine(mnt, "config.txt")));

        CommandResult discard = sandbox.CowstoreOk("discard", "--yes", mnt);
        Assert.Contains("pristine", discard.Output, StringComparison.Ordinal);
        Assert.True(Infrastructure.MountInfo.IsMounted(mnt));
        Assert.Equal("original", File.ReadAllText(Path.Combine(mnt, "config.txt")));
        Assert.False(File.Exists(Path.Combine(mnt, "new.txt")));
        Assert.Equal("mounted", sandbox.StatusOf(session)!.Value.GetProperty("state").GetString());

        sandbox.CowstoreOk("umount", session);
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt));
    }

    [Fact]
    public void KillNineOfTheDaemon_StatusCleansTheStaleMount_ResumeKeepsFsyncedData()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "a.txt"), "base");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        using (var file = new FileStream(Path.Combine(mnt, "durable.txt"), FileMode.Create, FileAccess.Write))
        {
            file.Write("survives kill -9"u8);
            file.Flush(flushToDisk: true);
        }
        int pid = sandbox.StatusOf(session)!.Value.GetProperty("pid").GetInt32();
        using (Process daemon = Process.GetProcessById(pid))
        {
            daemon.Kill();
            Assert.True(daemon.WaitForExit(10_000));
        }

        CommandResult status = sandbox.CowstoreOk("status", "--json");
        using JsonDocument document = JsonDocument.Parse(status.Output);
        JsonElement entry = document.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == session);
        Assert.Equal("detached", entry.GetProperty("state").GetString());
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt), "the stale mount must be cleaned up");
        Assert.Contains(session, status.Error, StringComparison.Ordinal);

        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.Equal("survives kill -9", File.ReadAllText(Path.Combine(mnt, "durable.txt")));
        Assert.Equal("base", File.ReadAllText(Path.Combine(mnt, "a.txt")));
        sandbox.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void EphemeralSession_VanishesAfterUmount()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "a.txt"), "base");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        string session = sandbox.CowstoreOk("mount", "--ephemeral", sandbox.Base, mnt).LastLine;
        File.WriteAllText(Path.Combine(mnt, "scratch.txt"), "gone soon");
        JsonElement status = sandbox.StatusOf(session)!.Value;
        Assert.True(status.GetProperty("ephemeral").GetBoolean());
        string delta = status.GetProperty("deltaDirectory").GetString()!;
        Assert.True(Directory.Exists(delta));
        Assert.False(delta.StartsWith(sandbox.Home, StringComparison.Ordinal), "an ephemeral delta lives in tmpfs");

        sandbox.CowstoreOk("umount", mnt);
        Assert.Null(sandbox.StatusOf(session));
        Assert.False(Directory.Exists(delta));
        Assert.False(Directory.Exists(Path.Combine(sandbox.Home, "sessions", session)));
    }

    [Fact]
    public void UmountOfABusyMount_FailsClearly_AndSucceedsOnceTheFileIsClosed()
    {
        using var sandbox = new SessionSandbox();
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        using (var held = new FileStream(Path.Combine(mnt, "open.txt"), FileMode.Create, FileAccess.ReadWrite))
        {
            held.Write("x"u8);
            CommandResult busy = sandbox.Cowstore("umount", session);
            Assert.Equal(4, busy.ExitCode);
            Assert.Contains("mount is busy", busy.Error, StringComparison.Ordinal);
            Assert.Contains("stop the program using it", busy.Error, StringComparison.Ordinal);
            Assert.True(Infrastructure.MountInfo.IsMounted(mnt));

            CommandResult discard = sandbox.Cowstore("discard", "--yes", session);
            Assert.Equal(4, discard.ExitCode);
            Assert.Contains("mount is busy", discard.Error, StringComparison.Ordinal);
        }
        sandbox.CowstoreOk("umount", session);
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt));
        Assert.Equal("detached", sandbox.StatusOf(session)!.Value.GetProperty("state").GetString());
    }

    [Fact]
    public void SecondDaemonOnAMountedSession_ExitsWithConflict()
    {
        using var sandbox = new SessionSandbox();
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        CommandResult second = sandbox.Cowstore("daemon", "--session", session);
        Assert.Equal(4, second.ExitCode);
        string log = File.ReadAllText(Path.Combine(sandbox.Home, "sessions", session, "daemon.log"));
        Assert.Contains("in use by another cowstore process", log, StringComparison.Ordinal);
        Assert.Equal("mounted", sandbox.StatusOf(session)!.Value.GetProperty("state").GetString());
        sandbox.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void Foreground_ServesUntilSigterm_ThenLeavesTheSessionDetached()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "a.txt"), "base");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        using Process foreground = CowstoreCommand.Start(sandbox.Home, "mount", "--foreground", "--session", "fg", sandbox.Base, mnt);
        Task<string> stderr = foreground.StandardError.ReadToEndAsync();
        string? line;
        while ((line = foreground.StandardOutput.ReadLine()) is not null && line != "fg")
        {
        }
        Assert.Equal("fg", line);
        Assert.Equal("base", File.ReadAllText(Path.Combine(mnt, "a.txt")));
        File.WriteAllText(Path.Combine(mnt, "b.txt"), "kept");

        Assert.Equal(0, Kill(foreground.Id, "TERM"));
        Assert.True(foreground.WaitForExit(30_000), "the foreground mount did not stop on SIGTERM");
        Assert.Equal(0, foreground.ExitCode);
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt));
        Assert.Equal("detached", sandbox.StatusOf("fg")!.Value.GetProperty("state").GetString());
    }

    private static int Kill(int pid, string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
