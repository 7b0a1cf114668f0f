using CowStore.Core.Snapshots;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

/// <summary>A store in a per-test directory with a registered base, and a helper that commits files of whole blocks.</summary>
internal sealed class StoreFixture : IDisposable
{
    public StoreFixture(string testName)
    {
        Directory = new SnapshotTestDirectory(testName);
        BaseDirectory = Directory.CreateDirectory("base");
        File.WriteAllText(Path.Combine(BaseDirectory, "readme"), "base");
        Store = new SnapshotStore(Directory.PathOf("store"));
        Base = Store.RegisterBase(BaseDirectory);
    }

    public SnapshotTestDirectory Directory { get; }

    public string BaseDirectory { get; }

    public SnapshotStore Store { get; }

    public BaseRecord Base { get; }

    /// <summary>Commits a snapshot (cumulative over <paramref name="parent"/>) adding file <paramref name="path"/> made of the blocks of these seeds.</summary>
    public string Commit(string? parent, string path, params int[] seeds)
    {
        Manifest previous = parent is null ? new Manifest { BaseId = Base.Id } : Store.ReadManifest(parent);
        BlockLocator locator = BlockLocator.Load(Store.PacksDirectory);
        using PackWriter pack = PackWriter.Create(Store.TmpDirectory);
        var packs = new List<string>(previous.Packs);
        var runs = new List<ContentRun>();
        var newBlocks = new List<long>();
        foreach (int seed in seeds)
        {
            byte[] block = Block(seed);
            byte[] sha = Sha(block);
            if (!locator.TryFind(sha, out string packId, out long number))
            {
                number = pack.Add(block, sha);
                locator.Add(sha, "", number);
                packId = "";
            }
            runs.Add(new ContentRun(RunKind.Stored, 1, null, PackNumber(packs, packId), number));
        }
        string newPack = pack.BlockCount > 0 ? pack.Id : "";
        packs = packs.Select(p => p.Length == 0 ? newPack : p).ToList();
        var manifest = new Manifest { BaseId = Base.Id, ParentId = parent, Packs = packs };
        foreach ((string key, ManifestEntry entry) in previous.Entries)
        {
            manifest.Entries.Add(key, entry);
        }
        manifest.Entries.Remove(path);
        manifest.Entries[""] = DirEntry("");
        manifest.Entries.Add(path, FileEntry(path, seeds.Length * 4096L, [.. runs]));
        string id = SnapshotIdentity.ComputeId(manifest, (p, b, sha) => Digest(manifest.Packs[p], newPack, pack, b, sha));
        var record = new SnapshotRecord
        {
            Id = id,
            BaseId = Base.Id,
            ParentId = parent,
            Message = "add " + path,
            CreatedAt = DateTimeOffset.UtcNow,
            NewBlocks = pack.BlockCount,
            NewBytes = pack.Bytes,
        };
        return Store.Publish(manifest, record, pack.BlockCount > 0 ? pack : null);
    }

    private void Digest(string packId, string newPack, PackWriter pack, long block, Span<byte> sha)
    {
        if (packId == newPack)
        {
            pack.CopyDigest(block, sha);
        }
        else
        {
            PackIndex.Load(Store.PacksDirectory, packId).DigestOf(block).CopyTo(sha);
        }
    }

    private static int PackNumber(List<string> packs, string packId)
    {
        int index = packs.IndexOf(packId);
        if (index < 0)
        {
            packs.Add(packId);
            index = packs.Count - 1;
        }
        return index;
    }

    public void Dispose() => Directory.Dispose();
}
