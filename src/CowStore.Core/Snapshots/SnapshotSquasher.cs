namespace CowStore.Core.Snapshots;

/// <summary>What a squash produced.</summary>
/// <param name="AlreadyExisted">The store held the single-layer snapshot already (e.g. committed directly on the base).</param>
public sealed record SquashResult(string Id, bool AlreadyExisted);

/// <summary>
/// Writes a snapshot's single-layer equivalent: the same content with no parent. Manifests are cumulative against
/// the external base, so this is the same manifest with <see cref="Manifest.ParentId"/> null: no block is copied and
/// no pack is written. The id follows the identity rules, so it equals the id of a session that made the same changes
/// directly on the base. Published atomically by <see cref="SnapshotStore.Publish"/>: a kill leaves it absent or whole.
/// </summary>
public static class SnapshotSquasher
{
    public const string SquashedFromKey = "cowstore.squashed-from";

    /// <exception cref="FileNotFoundException">No such snapshot, or a pack it names is missing.</exception>
    /// <exception cref="InvalidDataException">Its manifest, record or a pack index is damaged.</exception>
    public static SquashResult Squash(SnapshotStore store, string id, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Manifest manifest = store.ReadManifest(id);
        SnapshotRecord record = store.ReadRecord(id);
        if (manifest.ParentId is null)
        {
            return new SquashResult(id, AlreadyExisted: true);
        }
        var squashed = new Manifest { BaseId = manifest.BaseId, ParentId = null, Packs = manifest.Packs, Entries = manifest.Entries };
        string squashedId = SnapshotIdentity.ComputeId(squashed, PackDigests(store, squashed));
        bool existed = store.Contains(squashedId);
        var metadata = new Dictionary<string, string>(record.Metadata, StringComparer.Ordinal) { [SquashedFromKey] = id };
        store.Publish(squashed, new SnapshotRecord
        {
            Id = squashedId,
            BaseId = manifest.BaseId,
            ParentId = null,
            Message = message ?? record.Message,
            CreatedAt = DateTimeOffset.UtcNow,
            Metadata = metadata,
            FileCount = record.FileCount,
        }, pack: null);
        return new SquashResult(squashedId, existed);
    }

    /// <summary>Digests of stored blocks from the pack indexes, each index loaded once.</summary>
    public static DigestSource PackDigests(SnapshotStore store, Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        var indexes = new PackIndex?[manifest.Packs.Count];
        return (int pack, long block, Span<byte> sha256) =>
            (indexes[pack] ??= PackIndex.Load(store.PacksDirectory, manifest.Packs[pack])).DigestOf(block).CopyTo(sha256);
    }
}
