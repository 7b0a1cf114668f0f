using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("gc", HelpText =
    "Free the snapshots, packs and work files nothing needs and report what was freed. Kept: every tagged snapshot "
    + "or base, every session's snapshot and last commit (mounted or detached), everything in their lineage, the "
    + "blocks they use, and every imported base. External base directories (e.g. /nix/store paths) are never "
    + "deleted, only forgotten records of them. No session can start or commit while gc runs; interrupting it is "
    + "safe and running it again finishes the job.")]
public sealed class GcVerb : IVerb
{
    [Option('n', "dry-run", HelpText = "Only report what would be freed.")]
    public bool DryRun { get; set; }

    [Option('v', "verbose", HelpText = "List every snapshot and pack freed.")]
    public bool Verbose { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("See what gc would free", new GcVerb { DryRun = true }),
        new("Free it", new GcVerb()),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        StateDirectory state = StateDirectory.FromEnvironment();
        var catalog = new SessionCatalog(state);
        var store = new SnapshotStore(state.StoreDirectory);
        // Held throughout: no session can be created, committed or mounted on a snapshot gc is about to free.
        using CatalogLock catalogLock = CatalogLock.Acquire(state, DaemonLauncher.DefaultTimeout);
        IReadOnlyList<SessionView> sessions = new Reconciler(catalog, error).ReconcileAll();
        int damaged = catalog.Names().Count(name => IsDamaged(catalog, name));
        if (damaged > 0)
        {
            // A session record gc cannot read may name a snapshot it needs: freeing anything could break it.
            throw new CliError(ExitCode.Failure, $"{damaged} session record(s) cannot be read (see cowstore status); gc frees nothing until they are repaired or removed");
        }
        var rootSnapshots = sessions.SelectMany(s => new[] { s.Record.Snapshot, s.Record.Head }).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sessionBases = sessions.Select(s => s.Record.Base).ToHashSet(StringComparer.Ordinal);
        var rootBases = store.ListBases().Where(b => b.Kind == BaseKinds.Imported || sessionBases.Contains(b.Path)).Select(b => b.Id).ToList();

        GcReport report;
        try
        {
            using var progress = new ProgressBar(DryRun ? "gc (dry run)" : "gc");
            report = GarbageCollector.Run(store, rootSnapshots, rootBases, DryRun, progress);
        }
        catch (InvalidDataException e)
        {
            throw new CliError(ExitCode.Failure, $"gc freed nothing: {e.Message} (run cowstore verify)");
        }
        if (!DryRun)
        {
            // Nix may collect what no session and no known base needs any more.
            var roots = new NixGcRoots(state);
            var sessionNames = sessions.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            roots.ReleaseAllExcept(name =>
                name.StartsWith(NixGcRoots.SessionRoot(""), StringComparison.Ordinal) ? sessionNames.Contains(name[NixGcRoots.SessionRoot("").Length..])
                : !name.StartsWith(NixGcRoots.BaseRoot(""), StringComparison.Ordinal) || store.ContainsBase(name[NixGcRoots.BaseRoot("").Length..]));
        }
        foreach (string missing in report.MissingSnapshots)
        {
            error.WriteLine($"cowstore: warning: snapshot {missing} is needed (by a tag, a session or as a parent) but not in the store");
        }
        if (Verbose)
        {
            foreach (string id in report.SnapshotsFreed)
            {
                output.WriteLine($"{(DryRun ? "would free" : "freed")} snapshot {id}");
            }
            foreach (string id in report.PacksFreed)
            {
                output.WriteLine($"{(DryRun ? "would free" : "freed")} pack {id}");
            }
            foreach (string id in report.BasesForgotten)
            {
                output.WriteLine($"{(DryRun ? "would forget" : "forgot")} base record {id} (its directory is left alone)");
            }
        }
        output.WriteLine($"{(DryRun ? "would free" : "freed")} {report.SnapshotsFreed.Count} snapshots, {report.PacksFreed.Count} packs, "
            + $"{report.BasesForgotten.Count} base records, {report.TmpEntriesFreed} leftover work files: {ByteSize.Format(report.BytesFreed)}"
            + $" ({report.BytesFreed} bytes); kept {report.LiveSnapshots} snapshots and {report.LivePacks} packs");
        return ExitCode.Success;
    }

    private static bool IsDamaged(SessionCatalog catalog, string name)
    {
        try
        {
            _ = catalog.TryLoad(name);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
