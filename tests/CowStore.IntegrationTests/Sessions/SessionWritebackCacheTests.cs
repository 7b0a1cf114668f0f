using System.Text.Json;
using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary><c>mount --writeback-cache</c> is a session setting: kept across umount and resume until overridden.</summary>
public sealed class SessionWritebackCacheTests
{
    [Fact]
    public void WritebackCache_IsRememberedAcrossUmountAndResume_UntilTurnedOff()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "config.txt"), "original");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        string session = sandbox.CowstoreOk("mount", "--writeback-cache", sandbox.Base, mnt).LastLine;
        Assert.True(RecordedWritebackCache(sandbox, session));
        File.WriteAllText(Path.Combine(mnt, "config.txt"), "changed through the writeback cache");
        sandbox.CowstoreOk("umount", mnt);
        Assert.True(RecordedWritebackCache(sandbox, session), "umount must keep the setting");

        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.True(RecordedWritebackCache(sandbox, session), "resuming without the switch keeps it");
        Assert.Equal("changed through the writeback cache", File.ReadAllText(Path.Combine(mnt, "config.txt")));
        sandbox.CowstoreOk("umount", mnt);

        sandbox.CowstoreOk("mount", "--session", session, "--no-writeback-cache", sandbox.Base, mnt);
        Assert.False(RecordedWritebackCache(sandbox, session));
        Assert.Equal("changed through the writeback cache", File.ReadAllText(Path.Combine(mnt, "config.txt")));
        sandbox.CowstoreOk("umount", mnt);
        Assert.Equal("original", File.ReadAllText(Path.Combine(sandbox.Base, "config.txt")));
    }

    [Fact]
    public void WritebackCacheAndNoWritebackCache_AreRefusedTogether()
    {
        using var sandbox = new SessionSandbox();
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();

        CommandResult result = sandbox.Cowstore("mount", "--writeback-cache", "--no-writeback-cache", sandbox.Base, mnt);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("contradict", result.Error, StringComparison.Ordinal);
        Assert.False(Infrastructure.MountInfo.IsMounted(mnt));
    }

    /// <summary>The <c>writebackCache</c> field of the session's session.json (absent reads as false).</summary>
    private static bool RecordedWritebackCache(SessionSandbox sandbox, string session)
    {
        string path = Path.Combine(sandbox.Home, "sessions", session, "session.json");
        using JsonDocument record = JsonDocument.Parse(File.ReadAllText(path));
        return record.RootElement.TryGetProperty("writebackCache", out JsonElement value) && value.GetBoolean();
    }
}
