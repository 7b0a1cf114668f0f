using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Projects;

/// <summary>A project database whose base is a committed snapshot id: up follows the id, and a new id is drift until the changes are committed or dropped.</summary>
public sealed class ProjectSnapshotBaseTests
{
    [Fact]
    public void SnapshotIdBase_NewIdIsDrift_CommittingAndNamingTheCommitResumes()
    {
        using var p = new ProjectSandbox();
        string mnt = p.Sessions.NewMountpoint("builder");
        string builder = p.Sessions.CowstoreOk("mount", p.GraphBase, mnt).LastLine;
        File.WriteAllText(Path.Combine(mnt, "version.txt"), "v1");
        string v1 = p.Sessions.CowstoreOk("commit", builder).LastLine;
        File.WriteAllText(Path.Combine(mnt, "version.txt"), "v2");
        string v2 = p.Sessions.CowstoreOk("commit", builder).LastLine;
        p.Sessions.CowstoreOk("umount", builder);
        Assert.NotEqual(v1, v2);

        p.WriteProject(v1);
        CommandResult up = p.RunOk("up");
        Assert.Contains($"mounted {v1} at {p.GraphMount}", ProjectSandbox.LineOf(up, "graph"), StringComparison.Ordinal);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(p.GraphMount, "version.txt")));
        Assert.StartsWith("graph: up to date", ProjectSandbox.LineOf(p.RunOk("up"), "graph"), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(p.GraphMount, "mine.txt"), "work");
        string session = p.Databases()["graph"].GetProperty("session").GetString()!;

        // Another snapshot named while the session holds changes over v1: drift, and the session is left alone.
        p.WriteProject(v2);
        CommandResult drift = p.Run("up");
        Assert.Equal(4, drift.ExitCode);
        Assert.Contains($"is over snapshot {v1[..12]}, but cowstore.json now says {v2}", ProjectSandbox.LineOf(drift, "graph"), StringComparison.Ordinal);
        Assert.Equal("work", File.ReadAllText(Path.Combine(p.GraphMount, "mine.txt")));

        // Keep the work as a snapshot and name it: the same session carries on.
        string mine = p.Sessions.CowstoreOk("commit", session).LastLine;
        p.WriteProject(mine);
        Assert.StartsWith("graph: up to date", ProjectSandbox.LineOf(p.RunOk("up"), "graph"), StringComparison.Ordinal);
        p.RunOk("down");
        Assert.StartsWith($"graph: resumed session {session}", ProjectSandbox.LineOf(p.RunOk("up"), "graph"), StringComparison.Ordinal);
        Assert.Equal("work", File.ReadAllText(Path.Combine(p.GraphMount, "mine.txt")));
        p.RunOk("down");
    }
}
