using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CowStore.Core.Snapshots;

public static partial class ManifestCodec
{
    /// <exception cref="InvalidDataException">Wrong magic, newer version, bad trailer, truncation or any broken rule.</exception>
    public static Manifest Decode(ReadOnlySpan<byte> data)
    {
        const int headerLength = 12;
        if (data.Length < headerLength || !data[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a cowstore manifest (bad magic)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..12]);
        if (version > Version)
        {
            throw new InvalidDataException($"manifest format version {version} was written by a newer cowstore (this one reads version {Version})");
        }
        if (version != Version)
        {
            throw new InvalidDataException($"unknown manifest format version {version}");
        }
        if (data.Length < headerLength + SHA256.HashSizeInBytes)
        {
            throw new InvalidDataException("manifest truncated");
        }
        ReadOnlySpan<byte> body = data[..^SHA256.HashSizeInBytes];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(data[^SHA256.HashSizeInBytes..]))
        {
            throw new InvalidDataException("manifest checksum mismatch (damaged or truncated)");
        }
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        stream.Position = headerLength;
        try
        {
            Manifest manifest = ReadBody(reader);
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{stream.Length - stream.Position} unexpected bytes after the last entry");
            }
            return manifest;
        }
        catch (Exception e) when (e is EndOfStreamException or DecoderFallbackException)
        {
            throw new InvalidDataException($"manifest malformed: {e.Message}", e);
        }
    }

    private static Manifest ReadBody(BinaryReader reader)
    {
        string baseId = reader.ReadString();
        string? parentId = ReadFlag(reader, "parent flag") ? reader.ReadString() : null;
        int packCount = ReadCount(reader, "pack");
        var packs = new List<string>(packCount);
        for (int i = 0; i < packCount; i++)
        {
            packs.Add(reader.ReadString());
        }
        if (FindHeaderProblem(baseId, parentId, packs) is { } headerProblem)
        {
            throw new InvalidDataException(headerProblem);
        }
        var manifest = new Manifest { BaseId = baseId, ParentId = parentId, Packs = packs };
        int entryCount = ReadCount(reader, "entry");
        string? previous = null;
        for (int i = 0; i < entryCount; i++)
        {
            ManifestEntry entry = ReadEntry(reader);
            if (previous is not null && string.CompareOrdinal(previous, entry.Path) >= 0)
            {
                throw new InvalidDataException($"paths out of ordinal order: \"{previous}\" before \"{entry.Path}\"");
            }
            if (ManifestRules.FindProblem(entry, packCount) is { } problem)
            {
                throw new InvalidDataException($"entry \"{entry.Path}\": {problem}");
            }
            manifest.Entries.Add(entry.Path, entry);
            previous = entry.Path;
        }
        return manifest;
    }

    private static ManifestEntry ReadEntry(BinaryReader reader)
    {
        string path = reader.ReadString();
        var kind = (EntryKind)reader.ReadByte();
        uint mode = reader.ReadUInt32();
        uint uid = reader.ReadUInt32();
        uint gid = reader.ReadUInt32();
        ulong rdev = reader.ReadUInt64();
        long atime = reader.ReadInt64();
        uint atimeNsec = reader.ReadUInt32();
        long mtime = reader.ReadInt64();
        uint mtimeNsec = reader.ReadUInt32();
        long ctime = reader.ReadInt64();
        uint ctimeNsec = reader.ReadUInt32();
        byte flags = reader.ReadByte();
        if ((flags & ~(FlagOpaque | FlagMetadataOnly)) != 0)
        {
            throw new InvalidDataException($"entry \"{path}\": unknown flags 0x{flags:x2}");
        }
        byte[]? target = ReadBytes(reader, path);
        int xattrCount = ReadCount(reader, "xattr");
        var xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        string? previousName = null;
        for (int i = 0; i < xattrCount; i++)
        {
            string name = reader.ReadString();
            if (previousName is not null && string.CompareOrdinal(previousName, name) >= 0)
            {
                throw new InvalidDataException($"entry \"{path}\": xattrs out of ordinal order at \"{name}\"");
            }
            xattrs.Add(name, ReadBytes(reader, path) ?? throw new InvalidDataException($"entry \"{path}\": xattr \"{name}\" without a value"));
            previousName = name;
        }
        long size = reader.ReadInt64();
        int runCount = ReadCount(reader, "run");
        var runs = new ContentRun[runCount];
        for (int i = 0; i < runCount; i++)
        {
            var runKind = (RunKind)reader.ReadByte();
            long count = reader.ReadInt64();
            runs[i] = runKind switch
            {
                RunKind.Zero => ContentRun.Zeros(count),
                RunKind.Base => ContentRun.FromBase(reader.ReadString(), count),
                RunKind.Stored => ReadStoredRun(reader, count),
                _ => throw new InvalidDataException($"entry \"{path}\": unknown run kind {(byte)runKind}"),
            };
        }
        return new ManifestEntry
        {
            Path = path,
            Kind = kind,
            Mode = mode,
            Uid = uid,
            Gid = gid,
            Rdev = rdev,
            AtimeSec = atime,
            AtimeNsec = atimeNsec,
            MtimeSec = mtime,
            MtimeNsec = mtimeNsec,
            CtimeSec = ctime,
            CtimeNsec = ctimeNsec,
            Opaque = (flags & FlagOpaque) != 0,
            MetadataOnly = (flags & FlagMetadataOnly) != 0,
            SymlinkTarget = target,
            Xattrs = xattrs,
            Size = size,
            Runs = runs,
        };
    }

    private static ContentRun ReadStoredRun(BinaryReader reader, long count)
    {
        int pack = reader.ReadInt32();
        long firstBlock = reader.ReadInt64();
        return ContentRun.Stored(pack, firstBlock, count);
    }

    private static byte[]? ReadBytes(BinaryReader reader, string path)
    {
        int length = reader.ReadInt32();
        if (length < -1 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"entry \"{path}\": byte string of length {length}");
        }
        return length < 0 ? null : reader.ReadBytes(length);
    }

    private static int ReadCount(BinaryReader reader, string what)
    {
        int count = reader.ReadInt32();
        // Every item takes at least one byte: a count beyond the remaining bytes is damage, not a reason to allocate.
        if (count < 0 || count > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"invalid {what} count {count}");
        }
        return count;
    }

    private static bool ReadFlag(BinaryReader reader, string what)
    {
        byte value = reader.ReadByte();
        return value <= 1 ? value == 1 : throw new InvalidDataException($"invalid {what} {value}");
    }
}
