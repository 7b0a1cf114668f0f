using System.Text;
using CowStore.Store.Catalog;
using CowStore.Store.Projects;
using CowStore.Store.Sessions;
using Xunit;

namespace CowStore.UnitTests.Projects;

/// <summary>What <c>cowstore up</c> decides for each combination of desired and actual state (no mounts involved).</summary>
public sealed class ProjectPlannerTests
{
    private const string Root = "/home/ana/movies";
    private const string Store = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db";
    private const string NewStore = "/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-movies-db";
    private const string Mnt = Root + "/db/graph";

    private static readonly MountTable NoMounts = MountTable.Parse("22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n");

    private static DesiredDatabase Graph(string @base = Store, string mode = "persistent") =>
        Project.Parse(Root, Root + "/cowstore.json", Encoding.UTF8.GetBytes(
            $$"""{ "formatVersion": 1, "databases": { "graph": { "base": "{{@base}}", "mountpoint": "db/graph", "mode": "{{mode}}" } } }"""), p => p).Databases[0];

    private static SessionView Session(string name, SessionState state, string @base = Store, string? mountpoint = Mnt, bool ephemeral = false) =>
        new(new SessionRecord
        {
            Name = name,
            Base = @base,
            DeltaDirectory = "/state/sessions/" + name + "/delta",
            Mountpoint = state == SessionState.Detached ? null : mountpoint,
            Ephemeral = ephemeral,
            DaemonPid = state == SessionState.Detached ? null : 4242,
        }, state);

    private static DatabaseAssessment Assess(DesiredDatabase desired, MountTable? mounts = null, bool emptyDelta = false, params SessionView[] sessions) =>
        ProjectPlanner.Assess(desired, sessions, mounts ?? NoMounts, _ => emptyDelta);

    private static string Own => ProjectSessionNames.For(Root, "graph");

    [Fact]
    public void NoSession_FreeMountpoint_Mounts()
    {
        DatabaseAssessment a = Assess(Graph());
        Assert.Equal(PlannedAction.Mount, a.Action);
        Assert.Equal("absent", a.Actual);
    }

    [Fact]
    public void OwnSessionMountedInPlace_IsInSync()
    {
        Assert.True(Assess(Graph(), sessions: Session(Own, SessionState.Mounted)).InSync);
    }

    [Fact]
    public void DetachedPersistentSession_IsResumed()
    {
        Assert.Equal(PlannedAction.Resume, Assess(Graph(), sessions: Session(Own, SessionState.Detached)).Action);
    }

    [Fact]
    public void PersistentSessionMountedElsewhere_IsMoved_EphemeralIsNot()
    {
        Assert.Equal(PlannedAction.Move, Assess(Graph(), sessions: Session(Own, SessionState.Mounted, mountpoint: "/tmp/x")).Action);
        DatabaseAssessment ephemeral = Assess(Graph(mode: "ephemeral"), sessions: Session(Own, SessionState.Mounted, mountpoint: "/tmp/x", ephemeral: true));
        Assert.Equal(PlannedAction.Refuse, ephemeral.Action);
        Assert.Contains("would drop its changes", ephemeral.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MountpointHeldByAnotherSession_IsDriftNamingIt()
    {
        DatabaseAssessment a = Assess(Graph(), sessions: Session("other-abc123", SessionState.Mounted, @base: "/srv/other"));
        Assert.Equal(PlannedAction.Refuse, a.Action);
        Assert.Contains("held by session other-abc123 over /srv/other", a.Message, StringComparison.Ordinal);
        Assert.Contains("cowstore umount other-abc123", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MountpointHeldByAForeignMount_IsDrift()
    {
        MountTable mounts = MountTable.Parse("22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n30 22 0:26 / " + Mnt + " rw - tmpfs tmpfs rw\n");
        DatabaseAssessment a = Assess(Graph(), mounts);
        Assert.Equal(PlannedAction.Refuse, a.Action);
        Assert.Contains("already a mount (tmpfs from tmpfs)", a.Message, StringComparison.Ordinal);
        Assert.Equal(PlannedAction.Refuse, Assess(Graph(), mounts, sessions: Session(Own, SessionState.Detached)).Action);
    }

    [Fact]
    public void BaseChanged_WithChanges_RefusesAndSaysWhatToDo()
    {
        DatabaseAssessment detached = Assess(Graph(NewStore), sessions: Session(Own, SessionState.Detached));
        Assert.Equal(PlannedAction.Refuse, detached.Action);
        Assert.Contains($"is over {Store}, but cowstore.json now says {NewStore}", detached.Message, StringComparison.Ordinal);
        Assert.Contains($"cowstore commit {Own}", detached.Message, StringComparison.Ordinal);
        Assert.Contains($"cowstore discard --yes {Own}", detached.Message, StringComparison.Ordinal);

        DatabaseAssessment mounted = Assess(Graph(NewStore), sessions: Session(Own, SessionState.Mounted));
        Assert.Equal(PlannedAction.Refuse, mounted.Action);
        Assert.Contains("cowstore down", mounted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BaseChanged_WithoutChanges_ReplacesTheDetachedSession()
    {
        Assert.Equal(PlannedAction.Replace, Assess(Graph(NewStore), emptyDelta: true, sessions: Session(Own, SessionState.Detached)).Action);
    }

    [Fact]
    public void ModeChanged_IsDrift()
    {
        DatabaseAssessment a = Assess(Graph(mode: "ephemeral"), sessions: Session(Own, SessionState.Detached));
        Assert.Equal(PlannedAction.Refuse, a.Action);
        Assert.Contains("is persistent, but cowstore.json now says ephemeral", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotReference_IsNotCalledDriftWhenItCannotBeCompared()
    {
        // A tag resolves to a directory only inside `cowstore mount`; the planner must not invent drift.
        Assert.True(Assess(Graph("release-1"), sessions: Session(Own, SessionState.Mounted, @base: "/state/snapshots/abc")).InSync);
        Assert.True(Assess(Graph("release-1"), sessions: Session(Own, SessionState.Mounted, @base: "release-1")).InSync);
    }

    [Fact]
    public void StaleAndTransitioningSessions_AreReportedNotTouched()
    {
        Assert.Contains("fusermount3 -u -z", Assess(Graph(), sessions: Session(Own, SessionState.Stale)).Message, StringComparison.Ordinal);
        Assert.Equal(PlannedAction.Refuse, Assess(Graph(), sessions: Session(Own, SessionState.Transitioning)).Action);
    }

    [Fact]
    public void Orphans_AreTheProjectsSessionsTheFileNoLongerNames()
    {
        Project project = Project.Parse(Root, Root + "/cowstore.json", Encoding.UTF8.GetBytes(
            """{ "formatVersion": 1, "databases": { "graph": { "base": "/x", "mountpoint": "db/graph" } } }"""), p => p);
        SessionView[] sessions =
        [
            Session(Own, SessionState.Mounted),
            Session(ProjectSessionNames.For(Root, "old"), SessionState.Detached),
            Session(ProjectSessionNames.For("/elsewhere", "old"), SessionState.Detached),
            Session("movies-db-k3j9qa", SessionState.Detached),
        ];
        Assert.Equal([ProjectSessionNames.For(Root, "old")], ProjectPlanner.Orphans(project, sessions).Select(s => s.Name));
    }
}
