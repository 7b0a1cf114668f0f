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
            _ = UsableBase(store, manifest.BaseId, $"snapshot {id}");
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

    /// <summary>A base record whose directory is still the one it was registered as; else a CLI error naming <paramref name="user"/>.</summary>
    public static BaseRecord UsableBase(SnapshotStore store, string baseId, string user)
    {
        BaseRecord baseRecord = store.ReadBase(baseId);
        return SnapshotStore.CheckBase(baseRecord) is string problem
            ? throw new CliError(ExitCode.Failure, $"{user} cannot be used: its base {baseRecord.Path} {problem}")
            : baseRecord;
    }

    /// <summary>The base id of a session's content: its snapshot's base, or its base directory registered now.</summary>
    public static string BaseIdOf(SnapshotStore store, string? snapshot, string baseDirectory) =>
        snapshot is not null ? store.ReadRecord(snapshot).BaseId : store.RegisterBase(baseDirectory).Id;
}
