using System.Buffers.Binary;
using System.Text;

namespace CowStore.Store.Neo4j;

/// <summary>
/// Decodes the store format from the first records of a <c>neostore</c> file. The metadata store is
/// always big-endian 9-byte records (1 in-use byte + an 8-byte long) whatever the platform, which is
/// what lets Neo4j itself, and us, read the version before knowing anything else about the store.
/// </summary>
internal static class NeostoreDecoder
{
    public const int RecordSize = 9;

    /// <summary>The 5.x value of slot 4 (<c>LEGACY_STORE_VERSION</c>): "the StoreId follows in slots 5-12".</summary>
    public const ulong Neo4j5Marker = 0xcf1bbcdcb7a56463;

    private const int VersionSlot = 4;
    private const int FirstStoreIdSlot = 5;
    private const int StoreIdSlots = 8;
    private const byte InUse = 1;
    private const byte KnownStoreIdLayout = 1;

    /// <summary>Bytes needed to decode any known format: up to the end of the last StoreId slot.</summary>
    public const int PrefixLength = (FirstStoreIdSlot + StoreIdSlots) * RecordSize;

    private const int LegacyPrefixLength = (VersionSlot + 1) * RecordSize;

    /// <summary>Decodes <paramref name="prefix"/> (the file's first bytes, up to <see cref="PrefixLength"/>).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a Neo4j metadata store we can read.</exception>
    public static Neo4jStoreFormat Decode(string databaseName, string neostorePath, long fileLength, ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < LegacyPrefixLength)
        {
            throw Corrupt(neostorePath, $"truncated: {fileLength} bytes, the version record ends at byte {LegacyPrefixLength}");
        }
        ulong version = ReadSlot(prefix, VersionSlot, neostorePath);
        if (version == Neo4j5Marker)
        {
            if (prefix.Length < PrefixLength)
            {
                throw Corrupt(neostorePath, $"truncated: {fileLength} bytes, the 5.x StoreId ends at byte {PrefixLength}");
            }
            Neo4jStoreId storeId = DecodeStoreId(prefix, neostorePath);
            return new Neo4jStoreFormat(databaseName, storeId.FormatName, Neo4jMajorFamily.Neo4j5, Neo4jLineage.Neo4j5WrittenBy,
                new Neo4jStoreDetails(neostorePath, fileLength, version, storeId));
        }
        string legacy = DecodeLegacyVersion(version, neostorePath);
        (Neo4jMajorFamily family, string writtenBy) = Neo4jLineage.OfLegacyVersion(legacy);
        return new Neo4jStoreFormat(databaseName, legacy, family, writtenBy,
            new Neo4jStoreDetails(neostorePath, fileLength, version, StoreId: null));
    }

    private static ulong ReadSlot(ReadOnlySpan<byte> prefix, int slot, string path)
    {
        ReadOnlySpan<byte> record = prefix.Slice(slot * RecordSize, RecordSize);
        if (record[0] != InUse)
        {
            throw Corrupt(path, $"record {slot} is not in use (header byte 0x{record[0]:x2})");
        }
        return BinaryPrimitives.ReadUInt64BigEndian(record[1..]);
    }

    /// <summary>
    /// 3.x/4.x <c>versionStringToLong</c>: the length in the least significant byte, then one Latin-1
    /// character per byte in increasing significance, so at most 7 characters.
    /// </summary>
    private static string DecodeLegacyVersion(ulong packed, string path)
    {
        int length = (int)(packed & 0xff);
        if (length is < 1 or > 7)
        {
            throw Corrupt(path, $"version record 0x{packed:x16} is neither a packed version string nor the 5.x marker");
        }
        var text = new StringBuilder(length);
        for (int i = 1; i <= length; i++)
        {
            char c = (char)((packed >> (8 * i)) & 0xff);
            if (!char.IsAsciiLetterOrDigit(c) && c != '.')
            {
                throw Corrupt(path, $"version record 0x{packed:x16} does not hold a version string");
            }
            text.Append(c);
        }
        // Bytes above the string are zero in every store Neo4j writes; anything else is noise.
        if (length < 7 && packed >> (8 * (length + 1)) != 0)
        {
            throw Corrupt(path, $"version record 0x{packed:x16} has bytes past its {length}-character string");
        }
        return text.ToString();
    }

    /// <summary>
    /// 5.x <c>StoreIdSerialization</c>, 64 bytes spread over slots 5-12 (8 per record): layout version,
    /// creation time and random (longs), engine and format family (length-prefixed), major, minor, zero padding.
    /// </summary>
    private static Neo4jStoreId DecodeStoreId(ReadOnlySpan<byte> prefix, string path)
    {
        Span<byte> raw = stackalloc byte[StoreIdSlots * sizeof(ulong)];
        for (int i = 0; i < StoreIdSlots; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(raw[(i * sizeof(ulong))..], ReadSlot(prefix, FirstStoreIdSlot + i, path));
        }
        if (raw[0] != KnownStoreIdLayout)
        {
            throw Corrupt(path, $"StoreId layout version {raw[0]} is not the known version {KnownStoreIdLayout}");
        }
        long creationMillis = BinaryPrimitives.ReadInt64BigEndian(raw[1..]);
        if (creationMillis <= 0 || creationMillis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw Corrupt(path, $"StoreId creation time {creationMillis} ms is not a valid time");
        }
        long random = BinaryPrimitives.ReadInt64BigEndian(raw[9..]);
        int position = 17;
        string engine = ReadName(raw, ref position, "storage engine", path);
        string family = ReadName(raw, ref position, "format family", path);
        if (position + 2 > raw.Length)
        {
            throw Corrupt(path, "StoreId names leave no room for the format version");
        }
        var major = (sbyte)raw[position];
        var minor = (sbyte)raw[position + 1];
        if (raw[(position + 2)..].ContainsAnyExcept((byte)0))
        {
            throw Corrupt(path, "StoreId has bytes after the format version");
        }
        return new Neo4jStoreId(raw[0], DateTimeOffset.FromUnixTimeMilliseconds(creationMillis), random, engine, family, major, minor);
    }

    private static string ReadName(ReadOnlySpan<byte> raw, ref int position, string what, string path)
    {
        int length = raw[position];
        int start = position + 1;
        if (length == 0 || start + length > raw.Length)
        {
            throw Corrupt(path, $"StoreId {what} has an impossible length {length}");
        }
        ReadOnlySpan<byte> bytes = raw.Slice(start, length);
        foreach (byte b in bytes)
        {
            if (!char.IsAsciiLetterLower((char)b) && !char.IsAsciiDigit((char)b) && b != '_')
            {
                throw Corrupt(path, $"StoreId {what} is not a name");
            }
        }
        position = start + length;
        return Encoding.ASCII.GetString(bytes);
    }

    private static InvalidDataException Corrupt(string path, string reason) =>
        new($"not a readable Neo4j neostore: {path}: {reason}");
}
