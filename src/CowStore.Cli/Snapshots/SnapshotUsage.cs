using CowStore.Core.Snapshots;

namespace CowStore.Cli.Snapshots;

/// <summary>
/// What each snapshot keeps in the store: the stored blocks its manifest references, and how many of them no other
/// snapshot references (what deleting only this snapshot would free). A block is (pack, block number); every
/// manifest is cumulative, so a child references its parent's blocks too and only its own changes are unique.
/// </summary>
internal static class SnapshotUsage
{
    public sealed record Usage(long ReferencedBytes, long UniqueBytes);

    /// <exception cref="InvalidDataException">A manifest is damaged.</exception>
    public static Dictionary<string, Usage> Measure(SnapshotStore store, IEnumerable<string> ids)
    {
        var packNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var references = new Dictionary<(int Pack, long Block), int>();
        var blocksOf = new Dictionary<string, HashSet<(int Pack, long Block)>>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            Manifest manifest = store.ReadManifest(id);
            var own = new HashSet<(int, long)>();
            foreach (ManifestEntry entry in manifest.Entries.Values)
            {
                foreach (ContentRun run in entry.Runs)
                {
                    if (run.Kind != RunKind.Stored)
                    {
                        continue;
                    }
                    string packId = manifest.Packs[run.Pack];
                    if (!packNumbers.TryGetValue(packId, out int pack))
                    {
                        packNumbers[packId] = pack = packNumbers.Count;
                    }
                    for (long b = 0; b < run.Count; b++)
                    {
                        own.Add((pack, run.FirstBlock + b));
                    }
                }
            }
            foreach ((int, long) block in own)
            {
                references[block] = references.GetValueOrDefault(block) + 1;
            }
            blocksOf[id] = own;
        }
        return blocksOf.ToDictionary(
            pair => pair.Key,
            pair => new Usage((long)pair.Value.Count * PackIndex.BlockSize, pair.Value.LongCount(b => references[b] == 1) * PackIndex.BlockSize),
            StringComparer.Ordinal);
    }
}
