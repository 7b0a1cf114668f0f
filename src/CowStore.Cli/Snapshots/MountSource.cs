using CowStore.Cli.Sessions;
using CowStore.Core.Snapshots;

namespace CowStore.Cli.Snapshots;

/// <summary>
/// What <c>cowstore mount</c> (and <c>run</c>) builds on: a directory used as it is, or a snapshot (id, unique id
/// prefix or tag) laid over its base directory, or a registered base by id.
/// </summary>
/// <param name="BaseDirectory">The external base directory (absolute, symlink-free).</param>
/// <param name="Snapshot">The snapshot id, or null for the directory itself.</param>
/// <param name="Label">How messages name it (the argument as typed for snapshots, the path otherwise).</param>
internal sealed record MountSource(string BaseDirectory, string? Snapshot, string Label)
{
    public static bool LooksLikePath(string argument) =>
        argument.Contains('/', StringComparison.Ordinal) || argument.StartsWith('.') || argument.StartsWith('~') || Path.Exists(argument);

    public static MountSource Resolve(string argument, SnapshotStore store)
    {
        if (LooksLikePath(argument))
        {
            string directory = PathArguments.ResolveBase(argument);
            return new MountSource(directory, null, directory);
        }
        StoreObject found;
        try
        {
            found = store.Resolve(argument);
        }
        catch (SnapshotResolveException e)
        {
            throw new CliError(e.Candidates.Count > 1 ? ExitCode.Usage : ExitCode.NotFound, e.Message);
        }
        string baseId = found.Kind == StoreObjectKind.Snapshot ? store.ReadRecord(found.Id).BaseId : found.Id;
        BaseRecord baseRecord = SnapshotCatalog.UsableBase(store, baseId, argument);
        string label = argument.Length >= SnapshotId.Length ? argument[..12] : argument;
        return new MountSource(baseRecord.Path, found.Kind == StoreObjectKind.Snapshot ? found.Id : null, label);
    }
}
