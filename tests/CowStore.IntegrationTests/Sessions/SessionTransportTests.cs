using System.Text.Json;
using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>
/// A session's daemon takes FUSE requests through io_uring when the kernel offers it (make system turns
/// fuse.enable_uring on), COWSTORE_IO_URING=0 forces /dev/fuse, and <c>status --json</c> tells which.
/// </summary>
public sealed class SessionTransportTests
{
    [Fact]
    public void StatusShowsTheTransport_IoUringByDefault_DevFuseOnRequest()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "config.txt"), "original");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        Assert.Equal("io_uring", Transport(sandbox, session));
        File.WriteAllText(Path.Combine(mnt, "config.txt"), "changed over io_uring");
        sandbox.CowstoreOk("umount", mnt);
        Assert.Null(Transport(sandbox, session));

        CommandResult resumed = CowstoreCommand.Run(sandbox.Home, TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["COWSTORE_IO_URING"] = "0" }, "mount", "--session", session, sandbox.Base, mnt);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("/dev/fuse", Transport(sandbox, session));
        Assert.Equal("changed over io_uring", File.ReadAllText(Path.Combine(mnt, "config.txt")));
        File.WriteAllText(Path.Combine(mnt, "config.txt"), "changed over /dev/fuse");
        sandbox.CowstoreOk("umount", mnt);

        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.Equal("io_uring", Transport(sandbox, session));
        Assert.Equal("changed over /dev/fuse", File.ReadAllText(Path.Combine(mnt, "config.txt")));
        sandbox.CowstoreOk("umount", mnt);
    }

    private static string? Transport(SessionSandbox sandbox, string session)
    {
        using JsonDocument status = JsonDocument.Parse(sandbox.CowstoreOk("status", "--json").Output);
        JsonElement entry = status.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == session);
        return entry.GetProperty("transport").GetString();
    }
}
