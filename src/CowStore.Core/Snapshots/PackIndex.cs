using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CowStore.Core.Snapshots;

/// <summary>
/// The <c>.idx</c> of a pack (docs/FORMAT.md, "Packs"): header (magic <c>COWPACKI</c>, u32 version, u32 block size,
/// i64 block count), per block its SHA-256 and XxHash3-64, then a SHA-256 of everything before as trailer.
/// The pack id is the Nix base32 SHA-256 of the digest list alone, so identical content gives the same pack.
/// </summary>
public sealed class PackIndex
{
    public const int Version = 1;
    public const int BlockSize = 4096;
    public const int HeaderLength = 24;
    public const int EntryLength = SHA256.HashSizeInBytes + sizeof(ulong);
    public const string PackExtension = ".pack";
    public const string IndexExtension = ".idx";

    internal static ReadOnlySpan<byte> Magic => "COWPACKI"u8;

    private readonly byte[] _digests;
    private readonly ulong[] _checksums;

    private PackIndex(byte[] digests, ulong[] checksums)
    {
        _digests = digests;
        _checksums = checksums;
    }

    public long BlockCount => _checksums.LongLength;

    /// <summary>The SHA-256s of all blocks back to back (block i at i*32).</summary>
    public ReadOnlySpan<byte> Digests => _digests;

    public ReadOnlySpan<byte> DigestOf(long block) => _digests.AsSpan(checked((int)(block * SHA256.HashSizeInBytes)), SHA256.HashSizeInBytes);

    public ulong ChecksumOf(long block) => _checksums[block];

    public static string PackPath(string packsDirectory, string packId) => Path.Combine(packsDirectory, packId + PackExtension);

    public static string IndexPath(string packsDirectory, string packId) => Path.Combine(packsDirectory, packId + IndexExtension);

    /// <summary>The id of a pack holding blocks with these digests (32 bytes each, in order).</summary>
    public static string IdOf(ReadOnlySpan<byte> digests) => SnapshotId.FromDigest(SHA256.HashData(digests));

    /// <summary>Loads and validates <c>&lt;packId&gt;.idx</c>: magic, version, block size, length, trailer and that its digests give <paramref name="packId"/>.</summary>
    /// <exception cref="FileNotFoundException">No such pack (or it was never completed).</exception>
    /// <exception cref="InvalidDataException">The index is damaged; the message names the file.</exception>
    public static PackIndex Load(string packsDirectory, string packId)
    {
        string path = IndexPath(packsDirectory, packId);
        byte[] data = File.ReadAllBytes(path);
        try
        {
            return Parse(data, packId);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    internal static PackIndex Parse(ReadOnlySpan<byte> data, string packId)
    {
        if (data.Length < HeaderLength || !data[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a cowstore pack index (bad magic)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != Version)
        {
            throw new InvalidDataException(version > Version
                ? $"pack index format version {version} was written by a newer cowstore (this one reads version {Version})"
                : $"unknown pack index format version {version}");
        }
        uint blockSize = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        if (blockSize != BlockSize)
        {
            throw new InvalidDataException($"block size {blockSize}, expected {BlockSize}");
        }
        long count = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
        if (count < 0 || count > (data.Length - HeaderLength - SHA256.HashSizeInBytes) / EntryLength
            || data.Length != HeaderLength + count * EntryLength + SHA256.HashSizeInBytes)
        {
            throw new InvalidDataException($"length {data.Length} does not fit a block count of {count}");
        }
        if (!SHA256.HashData(data[..^SHA256.HashSizeInBytes]).AsSpan().SequenceEqual(data[^SHA256.HashSizeInBytes..]))
        {
            throw new InvalidDataException("index checksum mismatch (damaged or truncated)");
        }
        byte[] digests = new byte[count * SHA256.HashSizeInBytes];
        ulong[] checksums = new ulong[count];
        for (long i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = data.Slice((int)(HeaderLength + i * EntryLength), EntryLength);
            entry[..SHA256.HashSizeInBytes].CopyTo(digests.AsSpan((int)(i * SHA256.HashSizeInBytes)));
            checksums[i] = BinaryPrimitives.ReadUInt64LittleEndian(entry[SHA256.HashSizeInBytes..]);
        }
        if (!string.Equals(IdOf(digests), packId, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"its blocks belong to pack {IdOf(digests)}, not {packId}");
        }
        return new PackIndex(digests, checksums);
    }

    internal static void WriteHeader(Span<byte> header, long blockCount)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], BlockSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], blockCount);
    }
}
