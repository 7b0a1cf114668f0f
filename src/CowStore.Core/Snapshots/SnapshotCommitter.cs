using CowStore.Core.Cow;

namespace CowStore.Core.Snapshots;

/// <summary>What a commit records besides the content.</summary>
public sealed record CommitRequest
{
    /// <summary>The external base the session's content sits on.</summary>
    public required string BaseId { get; init; }

    /// <summary>The snapshot the content descends from; null = directly the base.</summary>
    public string? ParentId { get; init; }

    public string? Message { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>What a commit produced.</summary>
public sealed record CommitResult(string Id, long NewBytes, bool AlreadyExisted);

/// <summary>
/// Promotes a session's content to an immutable snapshot: captures the manifest at one point in time (blocks new to
/// the store go into one pack), names it by its content, and publishes pack, manifest and record atomically. The
/// session goes on unchanged. Kill -9 at any point leaves the store with the snapshot complete or absent (an
/// unpublished pack is garbage for gc), and running the commit again gives the same id.
/// </summary>
public static class SnapshotCommitter
{
    public static CommitResult Commit(CowFileSystem fileSystem, SnapshotStore store, CommitRequest request, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        using IDisposable storeLock = store.AcquireLock(TimeSpan.FromMinutes(5));
        BlockLocator locator = BlockLocator.Load(store.PacksDirectory);
        using PackWriter pack = PackWriter.Create(store.TmpDirectory);
        Manifest captured = fileSystem.CaptureManifest(request.BaseId, request.ParentId, new PendingPackSink(locator, pack), progress);

        // The commit's own pack gets its content id now that every block is in.
        string packId = pack.BlockCount > 0 ? pack.Id : PendingPackSink.NewPack;
        var packs = captured.Packs.Select(p => p == PendingPackSink.NewPack ? packId : p).ToList();
        var manifest = new Manifest { BaseId = captured.BaseId, ParentId = captured.ParentId, Packs = packs, Entries = captured.Entries };
        DigestSource digests = DigestsOf(manifest, pack, packId, store);
        if (UnchangedParent(store, manifest, digests) is string parent)
        {
            return new CommitResult(parent, 0, AlreadyExisted: true);
        }
        string id = SnapshotIdentity.ComputeId(manifest, digests);
        bool existed = store.Contains(id);
        var record = new SnapshotRecord
        {
            Id = id,
            BaseId = request.BaseId,
            ParentId = request.ParentId,
            Message = request.Message,
            CreatedAt = DateTimeOffset.UtcNow,
            Metadata = new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal),
            NewBlocks = existed ? 0 : pack.BlockCount,
            NewBytes = existed ? 0 : pack.Bytes,
        };
        store.Publish(manifest, record, pack.BlockCount > 0 ? pack : null);
        return new CommitResult(id, record.NewBytes, existed);
    }

    /// <summary>
    /// The parent, when the content is exactly the parent's (nothing changed since the last commit, or a commit run
    /// again after it completed): committing again then names the same snapshot instead of an empty child.
    /// </summary>
    private static string? UnchangedParent(SnapshotStore store, Manifest manifest, DigestSource digests)
    {
        if (manifest.ParentId is not string parent || !store.Contains(parent))
        {
            return null;
        }
        SnapshotRecord parentRecord = store.ReadRecord(parent);
        var asParent = new Manifest { BaseId = manifest.BaseId, ParentId = parentRecord.ParentId, Packs = manifest.Packs, Entries = manifest.Entries };
        return parentRecord.BaseId == manifest.BaseId && SnapshotIdentity.ComputeId(asParent, digests) == parent ? parent : null;
    }

    /// <summary>Digests for the identity: the commit's new pack from the writer, every other pack from its index.</summary>
    private static DigestSource DigestsOf(Manifest manifest, PackWriter pack, string packId, SnapshotStore store)
    {
        var indexes = new PackIndex?[manifest.Packs.Count];
        return (int packNumber, long block, Span<byte> sha256) =>
        {
            string name = manifest.Packs[packNumber];
            if (name == packId)
            {
                pack.CopyDigest(block, sha256);
                return;
            }
            PackIndex index = indexes[packNumber] ??= PackIndex.Load(store.PacksDirectory, name);
            index.DigestOf(block).CopyTo(sha256);
        };
    }
}
