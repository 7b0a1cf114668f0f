using System.Text.Json;

namespace CowStore.Core.Snapshots;

/// <summary>
/// The content-addressed snapshot store (docs/FORMAT.md, "Snapshot store"):
/// <code>
/// lock                       flock: publication, gc, tag changes, base registration
/// bases/&lt;id&gt;.json           external bases (BaseRecord)
/// snapshots/&lt;id&gt;/manifest   the snapshot's content (ManifestCodec)
/// snapshots/&lt;id&gt;/snapshot.json  its record (SnapshotRecord)
/// packs/&lt;id&gt;.pack, .idx     block data; an .idx marks a complete pack
/// tags/&lt;name&gt;               a name for a snapshot or base: its id + "\n"
/// tmp/                       work in progress; what a dead process left is garbage
/// </code>
/// A snapshot directory appears by one rename of a complete directory, so a crash leaves it absent or whole.
/// </summary>
public sealed partial class SnapshotStore
{
    public const string ManifestFileName = "manifest";
    public const string RecordFileName = "snapshot.json";

    /// <summary>How long a mutating call waits for another command holding the store lock.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromMinutes(5);

    private readonly StoreLock _lock;

    /// <summary>Opens (creating its directories if needed) the store at <paramref name="storeDirectory"/>.</summary>
    public SnapshotStore(string storeDirectory)
    {
        Root = Path.GetFullPath(storeDirectory);
        DurableFiles.CreateDirectory(Root);
        foreach (string directory in new[] { BasesDirectory, SnapshotsDirectory, PacksDirectory, TagsDirectory, TmpDirectory })
        {
            DurableFiles.CreateDirectory(directory);
        }
        _lock = new StoreLock(Path.Combine(Root, "lock"));
    }

    public string Root { get; }

    public string BasesDirectory => Path.Combine(Root, "bases");

    public string SnapshotsDirectory => Path.Combine(Root, "snapshots");

    public string PacksDirectory => Path.Combine(Root, "packs");

    public string TagsDirectory => Path.Combine(Root, "tags");

    public string TmpDirectory => Path.Combine(Root, "tmp");

    /// <summary>
    /// Takes the store lock (flock on <c>lock</c>), waiting up to <paramref name="timeout"/>. Reentrant on the same
    /// thread and instance. Every mutating method takes it itself; hold it around a whole commit so gc cannot remove
    /// a pack the commit deduplicates against.
    /// </summary>
    /// <exception cref="StoreLockedException">Another process held it for the whole timeout.</exception>
    public IDisposable AcquireLock(TimeSpan timeout) => _lock.Acquire(timeout);

    public string SnapshotDirectory(string id) => Path.Combine(SnapshotsDirectory, id);

    /// <summary>Whether a complete snapshot with this id is in the store.</summary>
    public bool Contains(string id) => SnapshotId.IsValid(id) && Directory.Exists(SnapshotDirectory(id));

    /// <summary>
    /// Publishes a snapshot whose id (<see cref="SnapshotRecord.Id"/>) the caller computed with <see cref="SnapshotIdentity"/>.
    /// If it exists already, the existing one is kept and <paramref name="pack"/> discarded. Otherwise the pack is
    /// published, then manifest and record are written into a fresh directory in tmp/ (each fsynced) which is renamed
    /// to <c>snapshots/&lt;id&gt;</c> (then snapshots/ is fsynced). Returns the id.
    /// </summary>
    /// <exception cref="ArgumentException">Record and manifest disagree, the manifest is invalid, or the pack is not in the manifest.</exception>
    /// <exception cref="InvalidOperationException">The parent snapshot or a pack the manifest names is not in the store.</exception>
    public string Publish(Manifest manifest, SnapshotRecord record, PackWriter? pack)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(record);
        string id = record.Id;
        if (!SnapshotId.IsValid(id))
        {
            throw new ArgumentException($"invalid snapshot id \"{id}\"", nameof(record));
        }
        if (record.BaseId != manifest.BaseId || record.ParentId != manifest.ParentId)
        {
            throw new ArgumentException("the record's base and parent must be the manifest's", nameof(record));
        }
        byte[] manifestBytes = ManifestCodec.Encode(manifest);
        using IDisposable held = AcquireLock(DefaultLockTimeout);
        if (Contains(id))
        {
            pack?.Dispose();
            return id;
        }
        if (record.ParentId is not null && !Contains(record.ParentId))
        {
            throw new InvalidOperationException($"parent snapshot {record.ParentId} is not in the store");
        }
        if (pack is { BlockCount: 0 })
        {
            pack.Dispose(); // nothing new to store
            pack = null;
        }
        if (pack is not null)
        {
            string packId = pack.Id;
            if (!manifest.Packs.Contains(packId, StringComparer.Ordinal))
            {
                throw new ArgumentException($"the manifest does not use the new pack {packId}", nameof(pack));
            }
            pack.Publish(PacksDirectory);
        }
        foreach (string packId in manifest.Packs)
        {
            if (!File.Exists(PackIndex.IndexPath(PacksDirectory, packId)))
            {
                throw new InvalidOperationException($"pack {packId} named by the manifest is not in the store (removed by gc while the commit ran?)");
            }
        }
        SnapshotRecord complete = record.FileCount is null
            ? record with { FileCount = manifest.Entries.Values.LongCount(e => e.Kind == EntryKind.File) }
            : record;
        string temp = Path.Combine(TmpDirectory, TempNames.New("snapshot"));
        try
        {
            Directory.CreateDirectory(temp);
            DurableFiles.WriteNewFileSynced(Path.Combine(temp, ManifestFileName), manifestBytes, DurableFiles.ReadOnlyMode);
            DurableFiles.WriteNewFileSynced(Path.Combine(temp, RecordFileName), JsonSerializer.SerializeToUtf8Bytes(complete, StoreJsonContext.Default.SnapshotRecord));
            DurableFiles.SyncDirectory(temp);
            DurableFiles.Rename(temp, SnapshotDirectory(id));
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
        DurableFiles.SyncDirectory(SnapshotsDirectory);
        return id;
    }

    /// <exception cref="InvalidDataException">The manifest is damaged.</exception>
    /// <exception cref="FileNotFoundException">No such snapshot.</exception>
    public Manifest ReadManifest(string id) => ManifestCodec.Read(Path.Combine(ExistingSnapshotDirectory(id), ManifestFileName));

    /// <exception cref="InvalidDataException">The record is damaged or from a newer cowstore.</exception>
    /// <exception cref="FileNotFoundException">No such snapshot.</exception>
    public SnapshotRecord ReadRecord(string id)
    {
        string path = Path.Combine(ExistingSnapshotDirectory(id), RecordFileName);
        SnapshotRecord record = ReadJson(path, StoreJsonContext.Default.SnapshotRecord, r => r.FormatVersion);
        if (record.Id != id)
        {
            throw new InvalidDataException($"{path}: record of snapshot {record.Id} in the directory of {id}");
        }
        return record;
    }

    /// <summary>Every complete snapshot's record, oldest first.</summary>
    public IEnumerable<SnapshotRecord> ListSnapshots() =>
        SnapshotIds().Select(ReadRecord).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

    /// <summary>Ids of every complete snapshot (directory names that are ids; work in tmp/ is never listed).</summary>
    public IReadOnlyList<string> SnapshotIds() =>
        Directory.EnumerateDirectories(SnapshotsDirectory).Select(Path.GetFileName).OfType<string>().Where(SnapshotId.IsValid).Order(StringComparer.Ordinal).ToList();

    /// <summary>Ids of every complete pack (one with an .idx).</summary>
    public IReadOnlyList<string> PackIds() =>
        Directory.EnumerateFiles(PacksDirectory, "*" + PackIndex.IndexExtension).Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(SnapshotId.IsValid).Order(StringComparer.Ordinal).ToList();

    private string ExistingSnapshotDirectory(string id)
    {
        string directory = SnapshotDirectory(SnapshotId.IsValid(id) ? id : throw new ArgumentException($"invalid snapshot id \"{id}\"", nameof(id)));
        return Directory.Exists(directory) ? directory : throw new FileNotFoundException($"snapshot {id} is not in the store", directory);
    }

    private static T ReadJson<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, Func<T, int> formatVersion)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: damaged record: {e.Message}", e);
        }
        if (value is null)
        {
            throw new InvalidDataException($"{path}: empty record");
        }
        int version = formatVersion(value);
        if (version > 1)
        {
            throw new InvalidDataException($"{path}: format version {version} was written by a newer cowstore (this one reads version 1)");
        }
        if (version < 1)
        {
            throw new InvalidDataException($"{path}: unknown format version {version}");
        }
        return value;
    }

    private void WriteJson<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        DurableFiles.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, type), TmpDirectory);
}
