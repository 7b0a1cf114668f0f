using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("diff", HelpText =
    "Show what changed from <against> to <target>: paths added (A), removed (D) and changed (M), with the bytes "
    + "changed per file (differing 4 KiB blocks). <against> defaults to the target's parent (its base for a first "
    + "snapshot; for a session: its last commit or the snapshot it was mounted from). Snapshots on the same base "
    + "compare by their manifests without reading file content; a detached session is captured like a commit "
    + "(changed blocks are hashed, nothing is stored). A mounted session, or snapshots on different bases, compare "
    + "by reading both trees in full.")]
public sealed class DiffVerb : IVerb
{
    [Value(0, MetaName = "target", Required = true, HelpText = "A snapshot (id, prefix, tag), a session name or a mountpoint.")]
    public string Target { get; set; } = "";

    [Value(1, MetaName = "against", HelpText = "The snapshot or base to compare with (default: the target's parent).")]
    public string? Against { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("What the last commit changed", new DiffVerb { Target = "release-3" }),
        new("What the session at ~/db changed since its last commit", new DiffVerb { Target = "~/db" }),
        new("Between two snapshots", new DiffVerb { Target = "release-3", Against = "release-2" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        StateDirectory state = StateDirectory.FromEnvironment();
        var store = new SnapshotStore(state.StoreDirectory);
        SnapshotTarget target = SnapshotTargets.Resolve(state, store, Target);
        IReadOnlyList<DiffItem> items = target.Session is { } session
            ? DiffSession(state, store, session.Name, error)
            : DiffSnapshot(store, target.Object!.Value);
        Write(items, output);
        return ExitCode.Success;
    }

    private IReadOnlyList<DiffItem> DiffSnapshot(SnapshotStore store, StoreObject subject)
    {
        if (subject.Kind == StoreObjectKind.Base)
        {
            throw new CliError(ExitCode.Usage, $"{Target} is a base; diff compares a snapshot or session with what it builds on");
        }
        SnapshotRecord record = store.ReadRecord(subject.Id);
        StoreObject reference = Against is not null
            ? SnapshotTargets.ResolveObject(store, Against)
            : new StoreObject(record.ParentId is null ? StoreObjectKind.Base : StoreObjectKind.Snapshot, record.ParentId ?? record.BaseId);
        SnapshotDiffSide to = SnapshotDiffSide.OfSnapshot(store, subject.Id);
        SnapshotDiffSide from = SideOf(store, reference);
        if (from.BaseId == to.BaseId)
        {
            return SnapshotDiff.Compare(from, to, UsableBase(store, to.BaseId));
        }
        using SnapshotTree older = ExportVerb.OpenTree(store, reference);
        using SnapshotTree newer = ExportVerb.OpenTree(store, subject);
        using var progress = new ProgressBar("comparing");
        return SnapshotTreeDiff.Compare(older, newer, bytesRead: progress);
    }

    private IReadOnlyList<DiffItem> DiffSession(StateDirectory state, SnapshotStore store, string name, TextWriter error)
    {
        var catalog = new SessionCatalog(state);
        using CatalogLock catalogLock = CatalogLock.Acquire(state, DaemonLauncher.DefaultTimeout);
        SessionView session = new Reconciler(catalog, error).ReconcileAll().FirstOrDefault(s => s.Name == name)
            ?? throw new CliError(ExitCode.NotFound, $"no session named {name}");
        SessionRecord record = session.Record;
        string baseId = SnapshotCatalog.BaseIdOf(store, record.Snapshot, record.Base);
        StoreObject reference = Against is not null
            ? SnapshotTargets.ResolveObject(store, Against)
            : new StoreObject(record.Parent is null ? StoreObjectKind.Base : StoreObjectKind.Snapshot, record.Parent ?? baseId);
        switch (session.State)
        {
            case SessionState.Mounted:
                error.WriteLine($"cowstore: session {name} is mounted: comparing by reading both trees in full (commit first for a quick diff)");
                using (SnapshotTree older = ExportVerb.OpenTree(store, reference))
                using (SnapshotTree live = SnapshotTree.OpenDirectory(record.Mountpoint!))
                using (var progress = new ProgressBar("comparing"))
                {
                    return SnapshotTreeDiff.Compare(older, live, presentedWritable: !record.PreserveOwnership, progress);
                }
            case SessionState.Detached:
                SnapshotDiffSide from = SideOf(store, reference);
                if (from.BaseId != baseId)
                {
                    throw new CliError(ExitCode.Usage, $"{Against} lies on another base than session {name}; mount the session to compare it with that");
                }
                using (SessionFileSystem fileSystem = SessionFileSystem.Open(state, record))
                {
                    SnapshotDiffSide to = SnapshotDiffSide.OfSession(name, fileSystem.FileSystem, store, baseId, record.Parent);
                    return SnapshotDiff.Compare(from, to, UsableBase(store, baseId));
                }
            case SessionState.Stale:
                throw new CliError(ExitCode.Conflict, $"session {name} has a stale mount at {record.Mountpoint}; run cowstore status to clean it up");
            default:
                throw new CliError(ExitCode.Conflict, $"session {name} is starting or finishing a lazy unmount; try again later");
        }
    }

    private static SnapshotDiffSide SideOf(SnapshotStore store, StoreObject reference) =>
        reference.Kind == StoreObjectKind.Snapshot ? SnapshotDiffSide.OfSnapshot(store, reference.Id) : SnapshotDiffSide.OfBase(reference.Id);

    private static string UsableBase(SnapshotStore store, string baseId)
    {
        BaseRecord record = store.ContainsBase(baseId) ? store.ReadBase(baseId) : throw new CliError(ExitCode.Failure, $"base {baseId} is not registered (run cowstore verify)");
        return SnapshotStore.CheckBase(record) is string problem ? throw new CliError(ExitCode.Failure, $"base {record.Path}: {problem}") : record.Path;
    }

    internal static void Write(IReadOnlyList<DiffItem> items, TextWriter output)
    {
        foreach (DiffItem item in items)
        {
            string path = item.Path + (item.Kind == SnapshotTreeKind.Directory ? "/" : "");
            string line = item.Change switch
            {
                DiffChange.Added => $"A  {path}" + (item.Kind == SnapshotTreeKind.File ? $"  ({ByteSize.Format(item.ChangedBytes)})" : ""),
                DiffChange.Removed => $"D  {path}" + (item.Kind == SnapshotTreeKind.File ? $"  ({ByteSize.Format(item.ChangedBytes)})" : ""),
                _ => $"M  {path}  " + (item.Kind == SnapshotTreeKind.File ? $"{ByteSize.Format(item.ChangedBytes)} changed ({item.Detail})" : $"({item.Detail})"),
            };
            output.WriteLine(line);
        }
        int added = items.Count(i => i.Change == DiffChange.Added);
        int removed = items.Count(i => i.Change == DiffChange.Removed);
        int changed = items.Count(i => i.Change == DiffChange.Changed);
        long bytes = items.Where(i => i.Change == DiffChange.Changed && i.Kind == SnapshotTreeKind.File).Sum(i => i.ChangedBytes);
        output.WriteLine(items.Count == 0 ? "no differences" : $"{added} added, {removed} removed, {changed} changed ({ByteSize.Format(bytes)} changed in files)");
    }
}
