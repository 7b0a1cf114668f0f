using CowStore.Cli.Daemon;
using CowStore.Store.Catalog;
using CowStore.Store.Projects;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Projects;

/// <summary>A project's desired databases assessed against the reconciled actual state, at one moment.</summary>
internal sealed record ProjectState(Project Project, IReadOnlyList<DatabaseAssessment> Databases, IReadOnlyList<SessionView> Orphans)
{
    /// <summary>Reconciles the catalog (cleaning stale mounts; notes go to <paramref name="notes"/>) and assesses every database.</summary>
    public static ProjectState Read(Project project, SessionCatalog catalog, TextWriter notes)
    {
        IReadOnlyList<SessionView> sessions;
        using (CatalogLock.Acquire(catalog.State, DaemonLauncher.DefaultTimeout))
        {
            sessions = new Reconciler(catalog, notes).ReconcileAll();
        }
        return From(project, sessions, catalog.State);
    }

    /// <summary>Assesses every database against sessions the caller has just reconciled.</summary>
    public static ProjectState From(Project project, IReadOnlyList<SessionView> sessions, StateDirectory state) => new(
        project,
        ProjectPlanner.Assess(project, sessions, MountTable.Read(), DeltaIsEmpty, ProjectBaseMatch.For(state), ProjectBaseMatch.Describe),
        ProjectPlanner.Orphans(project, sessions));

    /// <summary>A delta directory that is missing or empty holds no changes (a discarded session's is empty).</summary>
    public static bool DeltaIsEmpty(SessionRecord record) =>
        !Directory.Exists(record.DeltaDirectory) || !Directory.EnumerateFileSystemEntries(record.DeltaDirectory).Any();
}
