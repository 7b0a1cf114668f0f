using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Store.Projects;

/// <summary>
/// Compares a project's desired databases with the reconciled sessions and the mount table and decides,
/// per database, what <c>cowstore up</c> does. Pure: it changes nothing, so <c>status</c> shows the same
/// plan <c>up</c> would carry out.
/// </summary>
public static class ProjectPlanner
{
    /// <summary>Whether a session's record shows it serves the desired base: true, false, or null when that cannot be told.</summary>
    public delegate bool? BaseMatch(DesiredDatabase desired, SessionRecord record);

    /// <summary>Compares by the base directory alone (<see cref="DesiredDatabase.BaseMatches"/>).</summary>
    public static readonly BaseMatch ByBaseDirectory = (desired, record) => desired.BaseMatches(record.Base);

    /// <param name="deltaIsEmpty">Whether a detached session has no changes (an empty delta directory).</param>
    /// <param name="baseMatches">How a session's base is compared with the file's (the CLI resolves snapshot ids and tags).</param>
    /// <param name="describeBase">How messages name what a session is over (default: its base directory).</param>
    public static IReadOnlyList<DatabaseAssessment> Assess(Project project, IReadOnlyList<SessionView> sessions, MountTable mounts, Func<SessionRecord, bool> deltaIsEmpty,
        BaseMatch? baseMatches = null, Func<SessionRecord, string>? describeBase = null) =>
        project.Databases.Select(d => Assess(d, sessions, mounts, deltaIsEmpty, baseMatches, describeBase)).ToList();

    public static DatabaseAssessment Assess(DesiredDatabase desired, IReadOnlyList<SessionView> sessions, MountTable mounts, Func<SessionRecord, bool> deltaIsEmpty,
        BaseMatch? baseMatches = null, Func<SessionRecord, string>? describeBase = null)
    {
        SessionView? own = sessions.FirstOrDefault(s => s.Name == desired.SessionName);
        if (own is not null)
        {
            return AssessOwn(desired, own, sessions, mounts, deltaIsEmpty, baseMatches ?? ByBaseDirectory, describeBase ?? (r => r.Base));
        }
        string? blocker = Occupant(desired, sessions, mounts);
        return blocker is null
            ? new(desired, null, PlannedAction.Mount, "absent", $"mount {desired.Base} as a new {Describe(desired.Mode)} session")
            : new(desired, null, PlannedAction.Refuse, "blocked", blocker);
    }

    /// <summary>Sessions of the project that cowstore.json no longer names.</summary>
    public static IReadOnlyList<SessionView> Orphans(Project project, IReadOnlyList<SessionView> sessions) =>
        sessions.Where(s => ProjectSessionNames.DatabaseOf(s.Name, project.Root) is string db && project.Databases.All(d => d.Name != db)).ToList();

    private static DatabaseAssessment AssessOwn(DesiredDatabase desired, SessionView own, IReadOnlyList<SessionView> sessions, MountTable mounts, Func<SessionRecord, bool> deltaIsEmpty, BaseMatch baseMatches, Func<SessionRecord, string> describeBase)
    {
        SessionRecord record = own.Record;
        string name = record.Name;
        switch (own.State)
        {
            case SessionState.Stale:
                return new(desired, own, PlannedAction.Refuse, "stale",
                    $"session {name} has a stale mount at {record.Mountpoint} that cowstore could not remove; run: fusermount3 -u -z {record.Mountpoint}");
            case SessionState.Transitioning:
                return new(desired, own, PlannedAction.Refuse, "transitioning",
                    $"session {name} is starting or finishing a lazy unmount (daemon {record.DaemonPid}); run cowstore up again once its programs have closed their files");
        }
        bool mounted = own.State == SessionState.Mounted;
        string actualMode = Describe(record.Ephemeral ? DatabaseMode.Ephemeral : DatabaseMode.Persistent);
        bool baseChanged = baseMatches(desired, record) == false;
        if (baseChanged || record.Ephemeral != desired.Ephemeral)
        {
            string change = baseChanged
                ? $"is over {describeBase(record)}, but {Project.FileName} now says {desired.Base}"
                : $"is {actualMode}, but {Project.FileName} now says {Describe(desired.Mode)}";
            if (mounted && record.Ephemeral)
            {
                return new(desired, own, PlannedAction.Refuse, "drift",
                    $"ephemeral session {name} {change}; cowstore down (drops its changes), then cowstore up");
            }
            if (mounted)
            {
                return new(desired, own, PlannedAction.Refuse, "drift",
                    $"session {name} {change} and is mounted with its changes; keep them with cowstore commit {name} (then name the new snapshot in {Project.FileName}) "
                    + $"or drop them with cowstore down and cowstore discard --yes {name}; then cowstore up");
            }
            if (deltaIsEmpty(record))
            {
                return new(desired, own, PlannedAction.Replace, "detached",
                    $"session {name} {change} and holds no changes: replace it");
            }
            return new(desired, own, PlannedAction.Refuse, "drift",
                $"session {name} {change} and holds changes; keep them with cowstore commit {name} (then name the new snapshot in {Project.FileName}) "
                + $"or drop them with cowstore discard --yes {name}; then cowstore up");
        }
        if (mounted && record.Mountpoint == desired.Mountpoint)
        {
            return new(desired, own, PlannedAction.None, "mounted", "in sync");
        }
        string? blocker = Occupant(desired, sessions, mounts);
        if (mounted)
        {
            if (record.Ephemeral)
            {
                return new(desired, own, PlannedAction.Refuse, "mounted elsewhere",
                    $"ephemeral session {name} is mounted at {record.Mountpoint}, not {desired.Mountpoint}; moving it would drop its changes: cowstore umount {name}, then cowstore up");
            }
            return blocker is null
                ? new(desired, own, PlannedAction.Move, "mounted elsewhere", $"move session {name} from {record.Mountpoint} to {desired.Mountpoint}")
                : new(desired, own, PlannedAction.Refuse, "mounted elsewhere", blocker);
        }
        return blocker is null
            ? new(desired, own, PlannedAction.Resume, "detached", $"resume session {name} with its changes")
            : new(desired, own, PlannedAction.Refuse, "detached", blocker);
    }

    /// <summary>Why the desired mountpoint is taken by something else, or null when it is free.</summary>
    private static string? Occupant(DesiredDatabase desired, IReadOnlyList<SessionView> sessions, MountTable mounts)
    {
        SessionView? other = sessions.FirstOrDefault(s => s.Name != desired.SessionName && s.Record.Mountpoint == desired.Mountpoint && s.State != SessionState.Detached);
        if (other is not null)
        {
            return $"{desired.Mountpoint} is held by session {other.Name} over {other.Record.Base}; cowstore umount {other.Name} or choose another mountpoint in {Project.FileName}";
        }
        MountEntry? mount = mounts.FindAt(desired.Mountpoint);
        return mount is null
            ? null
            : $"{desired.Mountpoint} is already a mount ({mount.FileSystemType} from {mount.Source}) that is not this database's session; unmount it or choose another mountpoint";
    }

    private static string Describe(DatabaseMode mode) => mode == DatabaseMode.Ephemeral ? "ephemeral" : "persistent";
}
