using System.Security.Cryptography;
using CowStore.Core.Cow;

namespace CowStore.Core.Snapshots;

/// <summary>
/// One side of a manifest diff: a cumulative manifest against an external base (null = the base itself) and where
/// the digests of its stored blocks come from. Sides over the same base compare without reading file content.
/// </summary>
public sealed class SnapshotDiffSide
{
    private SnapshotDiffSide(string label, string baseId, Manifest? manifest, DigestSource digests)
    {
        Label = label;
        BaseId = baseId;
        Manifest = manifest;
        Digests = digests;
    }

    /// <summary>How output names this side (an id or a session name).</summary>
    public string Label { get; }

    public string BaseId { get; }

    public Manifest? Manifest { get; }

    public DigestSource Digests { get; }

    public static SnapshotDiffSide OfSnapshot(SnapshotStore store, string id)
    {
        ArgumentNullException.ThrowIfNull(store);
        Manifest manifest = store.ReadManifest(id);
        return new SnapshotDiffSide(id, manifest.BaseId, manifest, SnapshotSquasher.PackDigests(store, manifest));
    }

    public static SnapshotDiffSide OfBase(string baseId) => new(baseId, baseId, null, static (_, _, _) => throw new InvalidOperationException("a base has no stored blocks"));

    /// <summary>
    /// A session's current content, captured like a commit (files synced, one point in time) but with changed blocks
    /// only hashed, not stored: the cost follows what the session changed.
    /// </summary>
    public static SnapshotDiffSide OfSession(string label, CowFileSystem fileSystem, SnapshotStore store, string baseId, string? parentId)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(store);
        var sink = new HashingSink();
        Manifest manifest = fileSystem.CaptureManifest(baseId, parentId, sink);
        DigestSource stored = SnapshotSquasher.PackDigests(store, manifest);
        return new SnapshotDiffSide(label, baseId, manifest, (int pack, long block, Span<byte> sha256) =>
        {
            if (manifest.Packs[pack] == HashingSink.Pending)
            {
                sink.Digests[(int)block].CopyTo(sha256);
            }
            else
            {
                stored(pack, block, sha256);
            }
        });
    }

    /// <summary>Keeps the digest of every block a capture hands over; the blocks themselves are dropped.</summary>
    private sealed class HashingSink : IBlockSink
    {
        public const string Pending = "";

        public List<byte[]> Digests { get; } = [];

        public (string Pack, long Block) Put(ReadOnlySpan<byte> block, ReadOnlySpan<byte> sha256)
        {
            Digests.Add(sha256[..SHA256.HashSizeInBytes].ToArray());
            return (Pending, Digests.Count - 1);
        }
    }
}
