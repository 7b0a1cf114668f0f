using System.Security.Cryptography;
using System.Text;
using CowStore.Core.Snapshots;
using Xunit;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

public sealed class ManifestCodecTests
{
    [Fact]
    public void RoundTripsEveryField()
    {
        Manifest original = Rich();
        byte[] encoded = ManifestCodec.Encode(original);
        Manifest decoded = ManifestCodec.Decode(encoded);

        Assert.Equal(original.BaseId, decoded.BaseId);
        Assert.Equal(original.ParentId, decoded.ParentId);
        Assert.Equal(original.Packs, decoded.Packs);
        Assert.Equal(original.Entries.Keys, decoded.Entries.Keys);
        foreach ((string path, ManifestEntry a) in original.Entries)
        {
            ManifestEntry b = decoded.Entries[path];
            Assert.Equal((a.Kind, a.Mode, a.Uid, a.Gid, a.Rdev, a.Opaque, a.MetadataOnly, a.Size), (b.Kind, b.Mode, b.Uid, b.Gid, b.Rdev, b.Opaque, b.MetadataOnly, b.Size));
            Assert.Equal((a.AtimeSec, a.AtimeNsec, a.MtimeSec, a.MtimeNsec, a.CtimeSec, a.CtimeNsec), (b.AtimeSec, b.AtimeNsec, b.MtimeSec, b.MtimeNsec, b.CtimeSec, b.CtimeNsec));
            Assert.Equal(a.SymlinkTarget, b.SymlinkTarget);
            Assert.Equal(a.Xattrs, b.Xattrs);
            Assert.Equal(a.Runs, b.Runs);
        }
        // Encoding is deterministic: the same manifest gives the same bytes.
        Assert.Equal(encoded, ManifestCodec.Encode(decoded));
    }

    [Fact]
    public void RoundTripsEmptyManifestWithoutParent()
    {
        var manifest = new Manifest { BaseId = BaseId };
        Manifest decoded = ManifestCodec.Decode(ManifestCodec.Encode(manifest));
        Assert.Null(decoded.ParentId);
        Assert.Empty(decoded.Entries);
        Assert.Empty(decoded.Packs);
    }

    [Fact]
    public void FileLayoutIsAsDocumented()
    {
        byte[] encoded = ManifestCodec.Encode(Create(null, [], DirEntry("")));
        Assert.Equal("COWMANIF"u8.ToArray(), encoded[..8]);
        Assert.Equal(1u, BitConverter.ToUInt32(encoded, 8));
        Assert.Equal(52, encoded[12]); // 7-bit length of the base id
        Assert.Equal(SHA256.HashData(encoded.AsSpan(0, encoded.Length - 32)), encoded[^32..]);
        // The raw writer below produces the same bytes: it is the format, written out by hand.
        byte[] raw = Raw(w =>
        {
            Header(w, BaseId, null, []);
            w.Write(1);
            Entry(w, "", EntryKind.Directory, DirMode, mtime: 1);
        });
        Assert.Equal(raw, encoded);
    }

    [Fact]
    public void ReadAndWriteDurablyUseTheFile()
    {
        using var dir = new SnapshotTestDirectory();
        string path = dir.PathOf("manifest");
        ManifestCodec.WriteDurably(path, Rich());
        Assert.Equal(Rich().Entries.Keys, ManifestCodec.Read(path).Entries.Keys);
        Assert.Single(System.IO.Directory.GetFiles(dir.Root));

        File.WriteAllBytes(path, [.. "COWMANIF"u8, 1, 0, 0, 0]);
        var error = Assert.Throws<InvalidDataException>(() => ManifestCodec.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidManifests() => new()
    {
        { "magic", "bad magic" },
        { "newer version", "written by a newer cowstore" },
        { "old version", "unknown manifest format version 0" },
        { "trailer", "checksum mismatch" },
        { "truncated", "checksum mismatch" },
        { "too short", "truncated" },
        { "base id", "invalid base id" },
        { "parent id", "invalid parent id" },
        { "parent flag", "invalid parent flag" },
        { "pack id", "invalid pack id" },
        { "duplicate pack", "listed twice" },
        { "negative entry count", "invalid entry count" },
        { "entry count too high", "malformed" },
        { "order", "out of ordinal order" },
        { "duplicate path", "out of ordinal order" },
        { "leading slash", "invalid path \"/a\"" },
        { "dot component", "invalid path \"a/./b\"" },
        { "dotdot component", "invalid path \"../a\"" },
        { "empty component", "invalid path \"a//b\"" },
        { "trailing slash", "invalid path \"a/\"" },
        { "root not a directory", "the root must be a directory" },
        { "kind", "unknown entry kind 9" },
        { "mode", "does not match kind File" },
        { "flags", "unknown flags 0x04" },
        { "opaque file", "only a directory can be opaque" },
        { "symlink without target", "symlink without a target" },
        { "target on file", "symlink target on a non-symlink" },
        { "nsec", "nanoseconds out of range" },
        { "negative size", "negative size" },
        { "runs short", "runs cover 1 blocks, size 8193 needs 3" },
        { "runs long", "runs cover 2 blocks, size 4096 needs 1" },
        { "runs on directory", "Directory with content runs" },
        { "zero count run", "run of 0 blocks" },
        { "run kind", "unknown run kind 7" },
        { "pack index", "stored run names pack 1 of 1" },
        { "negative pack index", "stored run names pack -1 of 1" },
        { "negative first block", "stored run starts at block -1" },
        { "base run path", "base run with invalid path \"/x\"" },
        { "xattr order", "xattrs out of ordinal order" },
        { "xattr without value", "without a value" },
        { "trailing bytes", "unexpected bytes after the last entry" },
        { "invalid utf8", "malformed" },
    };

    [Theory]
    [MemberData(nameof(InvalidManifests))]
    public void DecodeRejects(string damage, string expectedMessage)
    {
        byte[] data = Damaged(damage);
        var error = Assert.Throws<InvalidDataException>(() => ManifestCodec.Decode(data));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeRefusesWhatDecodeWouldRefuse()
    {
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(Create(null, [], FileEntry("f", 8193, ContentRun.Zeros(1)))));
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(Create(null, [], FileEntry("f", 4096, ContentRun.Stored(0, 0, 1)))));
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(Create(null, [], DirEntry("a/../b"))));
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(new Manifest { BaseId = "nope" }));
        var misfiled = new Manifest { BaseId = BaseId };
        misfiled.Entries.Add("a", DirEntry("b"));
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(misfiled));
        var unordered = new Manifest { BaseId = BaseId, Entries = new SortedDictionary<string, ManifestEntry>(StringComparer.OrdinalIgnoreCase) };
        unordered.Entries.Add("B", DirEntry("B"));
        unordered.Entries.Add("a", DirEntry("a"));
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(unordered));
    }

    private static byte[] Damaged(string damage)
    {
        switch (damage)
        {
            case "magic":
                return [.. "COWMANIX"u8, 1, 0, 0, 0, .. new byte[40]];
            case "newer version":
                return [.. "COWMANIF"u8, 2, 0, 0, 0, .. new byte[40]];
            case "old version":
                return [.. "COWMANIF"u8, 0, 0, 0, 0, .. new byte[40]];
            case "too short":
                return [.. "COWMANIF"u8, 1, 0, 0, 0, 1, 2];
            case "trailer":
            {
                byte[] data = ManifestCodec.Encode(Rich());
                data[^1] ^= 1;
                return data;
            }
            case "truncated":
                return ManifestCodec.Encode(Rich())[..^1];
        }
        return Raw(w =>
        {
            switch (damage)
            {
                case "base id":
                    Header(w, "short", null, []);
                    w.Write(0);
                    break;
                case "parent id":
                    Header(w, BaseId, BaseId[..51] + "e", []);
                    w.Write(0);
                    break;
                case "parent flag":
                    w.Write(BaseId);
                    w.Write((byte)2);
                    break;
                case "pack id":
                    Header(w, BaseId, null, ["x"]);
                    w.Write(0);
                    break;
                case "duplicate pack":
                    Header(w, BaseId, null, [PackA, PackA]);
                    w.Write(0);
                    break;
                case "negative entry count":
                    Header(w, BaseId, null, []);
                    w.Write(-1);
                    break;
                case "entry count too high":
                    Header(w, BaseId, null, []);
                    w.Write(2);
                    Entry(w, "", EntryKind.Directory, DirMode);
                    break;
                case "order":
                    Entries(w, () => Entry(w, "b", EntryKind.Directory, DirMode), () => Entry(w, "a", EntryKind.Directory, DirMode));
                    break;
                case "duplicate path":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode), () => Entry(w, "a", EntryKind.Directory, DirMode));
                    break;
                case "leading slash":
                    Entries(w, () => Entry(w, "/a", EntryKind.Directory, DirMode));
                    break;
                case "dot component":
                    Entries(w, () => Entry(w, "a/./b", EntryKind.Directory, DirMode));
                    break;
                case "dotdot component":
                    Entries(w, () => Entry(w, "../a", EntryKind.Directory, DirMode));
                    break;
                case "empty component":
                    Entries(w, () => Entry(w, "a//b", EntryKind.Directory, DirMode));
                    break;
                case "trailing slash":
                    Entries(w, () => Entry(w, "a/", EntryKind.Directory, DirMode));
                    break;
                case "root not a directory":
                    Entries(w, () => Entry(w, "", EntryKind.File, RegularMode));
                    break;
                case "kind":
                    Entries(w, () => Entry(w, "a", (EntryKind)9, DirMode));
                    break;
                case "mode":
                    Entries(w, () => Entry(w, "a", EntryKind.File, DirMode));
                    break;
                case "flags":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode, flags: 4));
                    break;
                case "opaque file":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, flags: 1));
                    break;
                case "symlink without target":
                    Entries(w, () => Entry(w, "a", EntryKind.Symlink, 0xA1FF));
                    break;
                case "target on file":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, target: [1]));
                    break;
                case "nsec":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode, nsec: 1_000_000_000));
                    break;
                case "negative size":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: -1));
                    break;
                case "runs short":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 8193, runs: [(0, 1)]));
                    break;
                case "runs long":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(0, 1), (0, 1)]));
                    break;
                case "runs on directory":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode, runs: [(0, 1)]));
                    break;
                case "zero count run":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(0, 0), (0, 1)]));
                    break;
                case "run kind":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(7, 1)]));
                    break;
                case "pack index":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(2, 1)], pack: 1), [PackA]);
                    break;
                case "negative pack index":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(2, 1)], pack: -1), [PackA]);
                    break;
                case "negative first block":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(2, 1)], firstBlock: -1), [PackA]);
                    break;
                case "base run path":
                    Entries(w, () => Entry(w, "a", EntryKind.File, RegularMode, size: 4096, runs: [(1, 1)], basePath: "/x"));
                    break;
                case "xattr order":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode, xattrs: [("user.b", [1]), ("user.a", [1])]));
                    break;
                case "xattr without value":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode, xattrs: [("user.a", null)]));
                    break;
                case "trailing bytes":
                    Entries(w, () => Entry(w, "a", EntryKind.Directory, DirMode));
                    w.Write((byte)0);
                    break;
                case "invalid utf8":
                    Header(w, BaseId, null, []);
                    w.Write(1);
                    w.Write((byte)2);
                    w.Write((byte)0xC3);
                    w.Write((byte)0x28);
                    break;
                default:
                    throw new ArgumentException(damage);
            }
        });
    }

    /// <summary>Magic + version, the body, then the SHA-256 trailer: a valid envelope around whatever the body holds.</summary>
    private static byte[] Raw(Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("COWMANIF"u8);
            w.Write(1u);
            body(w);
        }
        byte[] bytes = stream.ToArray();
        return [.. bytes, .. SHA256.HashData(bytes)];
    }

    private static void Header(BinaryWriter w, string baseId, string? parentId, string[] packs)
    {
        w.Write(baseId);
        w.Write(parentId is not null);
        if (parentId is not null)
        {
            w.Write(parentId);
        }
        w.Write(packs.Length);
        foreach (string pack in packs)
        {
            w.Write(pack);
        }
    }

    private static void Entries(BinaryWriter w, Action first, string[]? packs = null) => Entries(w, [first], packs);

    private static void Entries(BinaryWriter w, Action first, Action second) => Entries(w, [first, second], null);

    private static void Entries(BinaryWriter w, Action[] entries, string[]? packs)
    {
        Header(w, BaseId, null, packs ?? []);
        w.Write(entries.Length);
        foreach (Action entry in entries)
        {
            entry();
        }
    }

    private static void Entry(BinaryWriter w, string path, EntryKind kind, uint mode, byte flags = 0, byte[]? target = null, uint nsec = 0,
        long size = 0, (byte Kind, long Count)[]? runs = null, int pack = 0, long firstBlock = 0, string basePath = "b",
        (string Name, byte[]? Value)[]? xattrs = null, long mtime = 0)
    {
        w.Write(path);
        w.Write((byte)kind);
        w.Write(mode);
        w.Write(0u); // uid
        w.Write(0u); // gid
        w.Write(0ul); // rdev
        w.Write(0L);
        w.Write(nsec); // atime
        w.Write(mtime);
        w.Write(0u);
        w.Write(0L);
        w.Write(0u);
        w.Write(flags);
        w.Write(target is null ? -1 : target.Length);
        if (target is not null)
        {
            w.Write(target);
        }
        w.Write(xattrs?.Length ?? 0);
        foreach ((string name, byte[]? value) in xattrs ?? [])
        {
            w.Write(name);
            w.Write(value is null ? -1 : value.Length);
            if (value is not null)
            {
                w.Write(value);
            }
        }
        w.Write(size);
        w.Write(runs?.Length ?? 0);
        foreach ((byte runKind, long count) in runs ?? [])
        {
            w.Write(runKind);
            w.Write(count);
            if (runKind == 1)
            {
                w.Write(basePath);
            }
            else if (runKind == 2)
            {
                w.Write(pack);
                w.Write(firstBlock);
            }
        }
    }
}
