using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Projects;

namespace CowStore.Cli.Projects;

/// <summary>
/// Tells whether a session serves the base cowstore.json names, by the same rule <c>cowstore mount --session</c>
/// resumes by: the same base directory, and the same snapshot (or the session's last commit of it).
/// Snapshot ids and tags are resolved here, once per database; a base that cannot be resolved is "unknown",
/// so <c>up</c> hands it to <c>mount</c>, which says what is wrong with it.
/// </summary>
internal static class ProjectBaseMatch
{
    /// <summary>What a session is over, as <c>cowstore mount</c> names it: its latest snapshot, else its base directory.</summary>
    public static string Describe(SessionRecord record) => record.Parent is string parent ? $"snapshot {parent[..Math.Min(12, parent.Length)]}" : record.Base;

    public static ProjectPlanner.BaseMatch For(StateDirectory state)
    {
        SnapshotStore? store = null;
        var resolved = new Dictionary<string, MountSource?>(StringComparer.Ordinal);
        return (desired, record) =>
        {
            if (desired.BasePath is not null && record.Snapshot is null)
            {
                return record.Base == desired.BasePath;
            }
            if (!resolved.TryGetValue(desired.MountArgument, out MountSource? source))
            {
                try
                {
                    // Opened only when a database names a snapshot: opening creates the store's directories.
                    store ??= new SnapshotStore(state.StoreDirectory);
                    source = MountSource.Resolve(desired.MountArgument, store);
                }
                catch (Exception e) when (e is CliError or IOException or InvalidDataException)
                {
                    source = null;
                }
                resolved[desired.MountArgument] = source;
            }
            if (source is null)
            {
                return null;
            }
            return record.Base == source.BaseDirectory
                && (source.Snapshot == record.Snapshot || (source.Snapshot is not null && source.Snapshot == record.Head));
        };
    }
}
