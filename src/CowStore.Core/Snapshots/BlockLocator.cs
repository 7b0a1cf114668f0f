using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Finds a block already in the store by its SHA-256, so identical blocks are stored once across all snapshots.
/// Keyed by the digest's first 8 bytes; a hit is confirmed against the full digest (SHA-256 decides). Not thread-safe.
/// </summary>
public sealed class BlockLocator
{
    private readonly List<string> _packIds = [];
    private readonly Dictionary<string, int> _packNumbers = new(StringComparer.Ordinal);
    private readonly List<byte[]> _packDigests = [];
    private readonly Dictionary<ulong, Location> _first = [];
    // Further blocks whose 8-byte key collides with one in _first (distinct digests: astronomically rare).
    private readonly List<Location> _collisions = [];

    /// <summary>Distinct blocks known.</summary>
    public long Count { get; private set; }

    /// <summary>Indexes every complete pack (one with an .idx) in <paramref name="packsDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">A pack index is damaged (run verify).</exception>
    public static BlockLocator Load(string packsDirectory)
    {
        var locator = new BlockLocator();
        if (!Directory.Exists(packsDirectory))
        {
            return locator;
        }
        foreach (string path in Directory.EnumerateFiles(packsDirectory, "*" + PackIndex.IndexExtension).Order(StringComparer.Ordinal))
        {
            string packId = Path.GetFileNameWithoutExtension(path);
            if (SnapshotId.IsValid(packId))
            {
                PackIndex index = PackIndex.Load(packsDirectory, packId);
                locator.AddPack(packId, index.Digests);
            }
        }
        return locator;
    }

    /// <summary>Where a block with this digest is stored, if anywhere.</summary>
    public bool TryFind(ReadOnlySpan<byte> sha256, out string packId, out long block)
    {
        if (_first.TryGetValue(Key(sha256), out Location location))
        {
            if (Matches(location, sha256))
            {
                (packId, block) = (_packIds[location.Pack], location.Block);
                return true;
            }
            foreach (Location other in CollectionsMarshal.AsSpan(_collisions))
            {
                if (Matches(other, sha256))
                {
                    (packId, block) = (_packIds[other.Pack], other.Block);
                    return true;
                }
            }
        }
        (packId, block) = (string.Empty, -1);
        return false;
    }

    /// <summary>
    /// Records that block <paramref name="block"/> of <paramref name="packId"/> holds <paramref name="sha256"/>: used for the
    /// pack being written (whose id is not final yet, so any placeholder name the caller maps works). Keeps the first
    /// location of a digest.
    /// </summary>
    public void Add(ReadOnlySpan<byte> sha256, string packId, long block)
    {
        if (!_packNumbers.TryGetValue(packId, out int pack))
        {
            pack = _packIds.Count;
            _packIds.Add(packId);
            _packNumbers.Add(packId, pack);
            _packDigests.Add(new byte[64 * SHA256.HashSizeInBytes]);
        }
        byte[] digests = _packDigests[pack];
        long needed = (block + 1) * SHA256.HashSizeInBytes;
        if (digests.LongLength < needed)
        {
            Array.Resize(ref digests, (int)Math.Max(needed, digests.LongLength * 2));
            _packDigests[pack] = digests;
        }
        sha256.CopyTo(digests.AsSpan((int)(block * SHA256.HashSizeInBytes)));
        Insert(new Location(pack, block), sha256);
    }

    private void AddPack(string packId, ReadOnlySpan<byte> digests)
    {
        int pack = _packIds.Count;
        _packIds.Add(packId);
        _packNumbers.Add(packId, pack);
        _packDigests.Add(digests.ToArray());
        long count = digests.Length / SHA256.HashSizeInBytes;
        for (long block = 0; block < count; block++)
        {
            Insert(new Location(pack, block), digests.Slice((int)(block * SHA256.HashSizeInBytes), SHA256.HashSizeInBytes));
        }
    }

    private void Insert(Location location, ReadOnlySpan<byte> sha256)
    {
        if (TryFind(sha256, out _, out _))
        {
            return;
        }
        if (!_first.TryAdd(Key(sha256), location))
        {
            _collisions.Add(location);
        }
        Count++;
    }

    private bool Matches(Location location, ReadOnlySpan<byte> sha256) =>
        _packDigests[location.Pack].AsSpan((int)(location.Block * SHA256.HashSizeInBytes), SHA256.HashSizeInBytes).SequenceEqual(sha256);

    private static ulong Key(ReadOnlySpan<byte> sha256) => BinaryPrimitives.ReadUInt64LittleEndian(sha256);

    private readonly record struct Location(int Pack, long Block);
}
