using System.Text.Json;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Projects;

/// <summary>
/// <c>cowstore up</c>/<c>down</c>/<c>status</c> on a project with two databases, one persistent and one
/// ephemeral: the real binary, real daemons and mounts, as root and as an unprivileged user.
/// </summary>
public sealed class ProjectUpDownTests
{
    [Fact]
    public void Up_MountsBoth_IsIdempotent_Down_KeepsOnlyThePersistentChanges()
    {
        using var p = new ProjectSandbox();

        CommandResult up = p.RunOk("up");
        Assert.Contains($"mounted {p.GraphBase} at {p.GraphMount} (new persistent session", ProjectSandbox.LineOf(up, "graph"), StringComparison.Ordinal);
        Assert.Contains($"at {p.ScratchMount} (new ephemeral session", ProjectSandbox.LineOf(up, "scratch"), StringComparison.Ordinal);
        Assert.True(MountInfo.IsMounted(p.GraphMount) && MountInfo.IsMounted(p.ScratchMount));
        Assert.Equal("graph base", File.ReadAllText(Path.Combine(p.GraphMount, "graph.txt")));
        Assert.Equal("scratch base", File.ReadAllText(Path.Combine(p.ScratchMount, "scratch.txt")));

        CommandResult again = p.RunOk("up");
        Assert.StartsWith("graph: up to date", ProjectSandbox.LineOf(again, "graph"), StringComparison.Ordinal);
        Assert.StartsWith("scratch: up to date", ProjectSandbox.LineOf(again, "scratch"), StringComparison.Ordinal);
        Assert.All(p.Databases().Values, d => Assert.True(d.GetProperty("inSync").GetBoolean(), d.ToString()));

        File.WriteAllText(Path.Combine(p.GraphMount, "kept.txt"), "persistent change");
        File.WriteAllText(Path.Combine(p.ScratchMount, "dropped.txt"), "ephemeral change");
        string graphSession = p.Databases()["graph"].GetProperty("session").GetString()!;

        CommandResult down = p.RunOk("down");
        Assert.Contains($"session {graphSession} kept with its changes", ProjectSandbox.LineOf(down, "graph"), StringComparison.Ordinal);
        Assert.Contains("ephemeral session", ProjectSandbox.LineOf(down, "scratch"), StringComparison.Ordinal);
        Assert.False(MountInfo.IsMounted(p.GraphMount) || MountInfo.IsMounted(p.ScratchMount));
        Dictionary<string, JsonElement> afterDown = p.Databases();
        Assert.Equal("detached", afterDown["graph"].GetProperty("actual").GetString());
        Assert.Equal("resume", afterDown["graph"].GetProperty("action").GetString());
        Assert.Equal("absent", afterDown["scratch"].GetProperty("actual").GetString());

        CommandResult text = p.RunOk("status");
        Assert.Contains($"project {p.Project} (cowstore.json):", text.Output, StringComparison.Ordinal);
        Assert.Contains($"resume session {graphSession}", text.Output, StringComparison.Ordinal);

        CommandResult upAgain = p.RunOk("up");
        Assert.StartsWith($"graph: resumed session {graphSession}", ProjectSandbox.LineOf(upAgain, "graph"), StringComparison.Ordinal);
        Assert.Equal("persistent change", File.ReadAllText(Path.Combine(p.GraphMount, "kept.txt")));
        Assert.False(File.Exists(Path.Combine(p.ScratchMount, "dropped.txt")), "the ephemeral database kept a change across down/up");

        p.RunOk("down");
        Assert.Contains("not mounted", ProjectSandbox.LineOf(p.RunOk("down"), "graph"), StringComparison.Ordinal);
    }

    [Fact]
    public void Up_AfterKillNineOfBothDaemons_BringsThePersistentOneBackWithItsFsyncedDelta()
    {
        using var p = new ProjectSandbox();
        p.RunOk("up");
        ProjectSandbox.WriteDurably(Path.Combine(p.GraphMount, "acknowledged.txt"), "fsynced before the crash");
        ProjectSandbox.WriteDurably(Path.Combine(p.ScratchMount, "scratch-note.txt"), "ephemeral");
        Dictionary<string, JsonElement> before = p.Databases();
        string graphSession = before["graph"].GetProperty("session").GetString()!;
        // Every pid first: a status after the first kill would already clean up that daemon's stale mount.
        List<int> pids = before.Values.Select(d => p.Sessions.StatusOf(d.GetProperty("session").GetString()!)!.Value.GetProperty("pid").GetInt32()).ToList();
        pids.ForEach(ProjectSandbox.KillNine);

        CommandResult up = p.RunOk("up");
        Assert.Contains(graphSession, up.Error, StringComparison.Ordinal); // the reconciler's note on the stale mount
        Assert.StartsWith($"graph: resumed session {graphSession}", ProjectSandbox.LineOf(up, "graph"), StringComparison.Ordinal);
        Assert.Contains("new ephemeral session", ProjectSandbox.LineOf(up, "scratch"), StringComparison.Ordinal);
        Assert.Equal("fsynced before the crash", File.ReadAllText(Path.Combine(p.GraphMount, "acknowledged.txt")));
        Assert.False(File.Exists(Path.Combine(p.ScratchMount, "scratch-note.txt")));
        Assert.Equal("scratch base", File.ReadAllText(Path.Combine(p.ScratchMount, "scratch.txt")));
        Assert.All(p.Databases().Values, d => Assert.True(d.GetProperty("inSync").GetBoolean(), d.ToString()));
        p.RunOk("down");
    }

    [Fact]
    public void Up_ReportsDrift_AndSettlesItOnlyWhenNothingIsLost()
    {
        using var p = new ProjectSandbox();
        // Someone else's session on the database's mountpoint: drift, named, nothing touched.
        Directory.CreateDirectory(p.GraphMount);
        string intruder = p.Sessions.CowstoreOk("mount", p.ScratchBase, p.GraphMount).LastLine;
        CommandResult blocked = p.Run("up");
        Assert.Equal(4, blocked.ExitCode);
        Assert.Contains($"held by session {intruder}", ProjectSandbox.LineOf(blocked, "graph"), StringComparison.Ordinal);
        Assert.Contains("new ephemeral session", ProjectSandbox.LineOf(blocked, "scratch"), StringComparison.Ordinal);
        Assert.Contains("1 of 2 databases", blocked.Error, StringComparison.Ordinal);
        Assert.Equal("blocked", p.Databases()["graph"].GetProperty("actual").GetString());
        p.Sessions.CowstoreOk("umount", intruder);

        p.RunOk("up");
        File.WriteAllText(Path.Combine(p.GraphMount, "work.txt"), "changes over the old base");
        string graphSession = p.Databases()["graph"].GetProperty("session").GetString()!;
        p.RunOk("down");

        // The file now names another base while the session holds changes: refuse and say what to do.
        string newBase = Path.Combine(p.Sessions.Root, "graph-v2");
        Directory.CreateDirectory(newBase);
        File.WriteAllText(Path.Combine(newBase, "graph.txt"), "graph v2");
        p.WriteProject(newBase);
        CommandResult changed = p.Run("up");
        Assert.Equal(4, changed.ExitCode);
        string line = ProjectSandbox.LineOf(changed, "graph");
        Assert.Contains($"is over {p.GraphBase}, but cowstore.json now says {newBase}", line, StringComparison.Ordinal);
        Assert.Contains($"cowstore discard --yes {graphSession}", line, StringComparison.Ordinal);
        Assert.False(MountInfo.IsMounted(p.GraphMount));

        // Once the changes are dropped, up replaces the empty session over the new base.
        p.Sessions.CowstoreOk("discard", "--yes", graphSession);
        CommandResult replaced = p.RunOk("up");
        Assert.StartsWith($"graph: replaced session {graphSession}", ProjectSandbox.LineOf(replaced, "graph"), StringComparison.Ordinal);
        Assert.Equal("graph v2", File.ReadAllText(Path.Combine(p.GraphMount, "graph.txt")));
        Assert.False(File.Exists(Path.Combine(p.GraphMount, "work.txt")));

        // A new mountpoint in the file moves the persistent session with its changes.
        File.WriteAllText(Path.Combine(p.GraphMount, "moved.txt"), "moves along");
        p.WriteProject(newBase, "db/graph-here");
        CommandResult moved = p.RunOk("up");
        Assert.StartsWith($"graph: moved session {graphSession}", ProjectSandbox.LineOf(moved, "graph"), StringComparison.Ordinal);
        Assert.Equal("moves along", File.ReadAllText(Path.Combine(p.Project, "db", "graph-here", "moved.txt")));
        Assert.False(MountInfo.IsMounted(p.GraphMount));
        p.RunOk("down");
    }

    [Fact]
    public void Down_AlsoUnmountsSessionsTheFileNoLongerNames_BadFilesAreUsageErrors()
    {
        using var p = new ProjectSandbox();
        p.RunOk("up");
        File.WriteAllText(Path.Combine(p.Project, "cowstore.json"), """{ "formatVersion": 1, "databases": {} }""");
        CommandResult up = p.RunOk("up");
        Assert.Contains("not in cowstore.json any more", ProjectSandbox.LineOf(up, "graph"), StringComparison.Ordinal);
        CommandResult down = p.RunOk("down");
        Assert.Contains("not in cowstore.json any more", ProjectSandbox.LineOf(down, "graph"), StringComparison.Ordinal);
        Assert.False(MountInfo.IsMounted(p.GraphMount) || MountInfo.IsMounted(p.ScratchMount));

        File.WriteAllText(Path.Combine(p.Project, "cowstore.json"), """{ "formatVersion": 1, "databases": { "x": { "base": "/srv", "mountpoint": "../out" } } }""");
        CommandResult bad = p.Run("up");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("leaves the project directory", bad.Error, StringComparison.Ordinal);

        File.Delete(Path.Combine(p.Project, "cowstore.json"));
        CommandResult none = p.Run("up");
        Assert.Equal(3, none.ExitCode);
        Assert.Contains($"no cowstore.json in {p.Project}", none.Error, StringComparison.Ordinal);
    }
}
