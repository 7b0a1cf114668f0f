using CowStore.Core.Cow;

namespace CowStore.Core.Snapshots;

/// <summary>
/// A committed snapshot opened for reading: its manifest and the packs its stored blocks live in. A session over
/// the snapshot (<see cref="CowOptions.Snapshot"/>) reads through it; dispose it after the filesystem.
/// </summary>
public sealed class LowerSnapshot : IDisposable
{
    private readonly PackReader[] _packs;

    private LowerSnapshot(string id, Manifest manifest, PackReader[] packs)
    {
        Id = id;
        Manifest = manifest;
        _packs = packs;
    }

    public string Id { get; }

    public Manifest Manifest { get; }

    /// <summary>Opens every pack the manifest names.</summary>
    /// <exception cref="IOException">A pack is missing or unreadable.</exception>
    /// <exception cref="InvalidDataException">A pack index is damaged.</exception>
    public static LowerSnapshot Open(string id, Manifest manifest, string packsDirectory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var packs = new List<PackReader>(manifest.Packs.Count);
        try
        {
            foreach (string pack in manifest.Packs)
            {
                packs.Add(PackReader.Open(packsDirectory, pack));
            }
        }
        catch
        {
            packs.ForEach(p => p.Dispose());
            throw;
        }
        return new LowerSnapshot(id, manifest, [.. packs]);
    }

    /// <summary>The snapshot's tree: <paramref name="external"/> (its base directory) with the manifest on top.</summary>
    internal ILowerTree Over(BaseTree external) => new LayeredLower(external, this);

    /// <summary>One stored block (4 KiB), verified; 0 or -EIO (damaged: never wrong data) or -errno.</summary>
    internal int ReadStoredBlock(int pack, long block, Span<byte> destination) => _packs[pack].ReadBlock(block, destination);

    /// <summary>SHA-256 of one stored block, from the pack index.</summary>
    internal void CopyStoredDigest(int pack, long block, Span<byte> sha256) => _packs[pack].CopyDigest(block, sha256);

    public void Dispose()
    {
        foreach (PackReader pack in _packs)
        {
            pack.Dispose();
        }
    }
}
