using CowStore.Core.Snapshots;

namespace CowStore.Cli.Snapshots;

/// <summary>The store operations commands share, with their failures turned into one-line CLI errors.</summary>
internal static class SnapshotCatalog
{
    /// <summary>Opens a snapshot for a session to lie over, after checking its base is still the one it was built on.</summary>
    public static LowerSnapshot OpenLower(SnapshotStore store, string id)
    {
        try
        {
            Manifest manifest = store.ReadManifest(id);
            BaseRecord baseRecord = store.ReadBase(manifest.BaseId);
            if (SnapshotStore.CheckBase(baseRecord) is string problem)
            {
                throw new CliError(ExitCode.Failure, $"snapshot {id} cannot be used: its base {baseRecord.Path} {problem}");
            }
            return LowerSnapshot.Open(id, manifest, store.PacksDirectory);
        }
        catch (InvalidDataException e)
        {
            throw new CliError(ExitCode.Failure, $"snapshot {id} is damaged: {e.Message} (run cowstore verify)");
        }
        catch (FileNotFoundException e)
        {
            throw new CliError(ExitCode.NotFound, $"snapshot {id} is incomplete: {e.Message} (run cowstore verify)");
        }
    }

    /// <summary>The base id of a session's content: its snapshot's base, or its base directory registered now.</summary>
    public static string BaseIdOf(SnapshotStore store, string? snapshot, string baseDirectory) =>
        snapshot is not null ? store.ReadRecord(snapshot).BaseId : store.RegisterBase(baseDirectory).Id;
}
