using System.Text;
using CowStore.Core.Snapshots;
using Xunit;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

public sealed class SnapshotIdentityTests
{
    // Digest of block b of pack p: a stand-in for the pack index, different for every (pack, block).
    private static readonly DigestSource Layout1 = (pack, block, sha) => Sha(Encoding.ASCII.GetBytes($"{pack}:{block}")).CopyTo(sha);

    private static string Id(Manifest manifest, DigestSource? digests = null) => SnapshotIdentity.ComputeId(manifest, digests ?? Layout1);

    private static Manifest WithFile(ManifestEntry file, string? parent = null) => Create(parent, [PackA, PackB], DirEntry(""), file);

    [Fact]
    public void IdIsA52CharacterNixBase32Sha256()
    {
        string id = Id(Rich());
        Assert.True(SnapshotId.IsValid(id));
        Assert.Equal(id, Id(ManifestCodec.Decode(ManifestCodec.Encode(Rich()))));
    }

    [Fact]
    public void IdIsTheDocumentedHashWrittenOutByHand()
    {
        byte[] blockDigest = Sha("block"u8);
        Manifest manifest = Create(null, [PackA], DirEntry(""),
            FileEntry("f", 5 * 4096, ContentRun.Zeros(1), ContentRun.Zeros(1), ContentRun.FromBase("f", 2), ContentRun.Stored(0, 3, 1)));
        using var expected = new MemoryStream();
        using (var w = new BinaryWriter(expected))
        {
            w.Write(Encoding.ASCII.GetBytes("cowstore-snapshot-v1\0" + BaseId + "\0" + "\0"));
            // Root directory: path "", kind, mode, opaque, no target, no xattrs, rdev, size, no content.
            w.Write("\0"u8);
            w.Write((byte)1);
            w.Write(DirMode);
            w.Write((byte)0);
            w.Write(-1);
            w.Write(0);
            w.Write(0UL);
            w.Write(0L);
            w.Write((byte)'E');
            // The file: two zero runs merge, the base run, one stored block by digest.
            w.Write("f\0"u8);
            w.Write((byte)2);
            w.Write(RegularMode);
            w.Write((byte)0);
            w.Write(-1);
            w.Write(0);
            w.Write(0UL);
            w.Write(5L * 4096);
            w.Write((byte)'Z');
            w.Write(2UL);
            w.Write("Bf\0"u8);
            w.Write(2UL);
            w.Write((byte)'S');
            w.Write(blockDigest);
            w.Write((byte)'E');
        }
        string id = SnapshotIdentity.ComputeId(manifest, (pack, block, sha) =>
        {
            Assert.Equal((0, 3L), (pack, block));
            blockDigest.CopyTo(sha);
        });
        Assert.Equal(SnapshotId.FromDigest(Sha(expected.ToArray())), id);
    }

    [Fact]
    public void RunSplitsDoNotMatter()
    {
        string whole = Id(WithFile(FileEntry("f", 9 * 4096, ContentRun.Zeros(3), ContentRun.FromBase("f", 3), ContentRun.Stored(0, 5, 3))));
        string split = Id(WithFile(FileEntry("f", 9 * 4096,
            ContentRun.Zeros(1), ContentRun.Zeros(2),
            ContentRun.FromBase("f", 2), ContentRun.FromBase("f", 1),
            ContentRun.Stored(0, 5, 1), ContentRun.Stored(0, 6, 2))));
        Assert.Equal(whole, split);
    }

    [Fact]
    public void PackLayoutDoesNotMatterOnlyBlockDigests()
    {
        // Layout 1: the blocks are blocks 5..7 of pack 0. Layout 2: the same digests, scattered over two packs in another order.
        string first = Id(WithFile(FileEntry("f", 3 * 4096, ContentRun.Stored(0, 5, 3))));
        DigestSource layout2 = (pack, block, sha) =>
        {
            (int p, long b) = (pack, block) switch
            {
                (1, 0) => (0, 5),
                (0, 9) => (0, 6),
                (1, 7) => (0, 7),
                _ => throw new InvalidOperationException(),
            };
            Layout1(p, b, sha);
        };
        string second = Id(WithFile(FileEntry("f", 3 * 4096, ContentRun.Stored(1, 0, 1), ContentRun.Stored(0, 9, 1), ContentRun.Stored(1, 7, 1))), layout2);
        Assert.Equal(first, second);
    }

    [Fact]
    public void OwnersTimesAndMetadataOnlyEntriesDoNotMatter()
    {
        Manifest a = WithFile(FileEntry("f", 1, ContentRun.Zeros(1)));
        ManifestEntry other = FileEntry("f", 1, ContentRun.Zeros(1));
        Manifest b = WithFile(new ManifestEntry
        {
            Path = other.Path, Kind = other.Kind, Mode = other.Mode, Size = other.Size, Runs = other.Runs,
            Uid = 1, Gid = 2, AtimeSec = 3, AtimeNsec = 4, MtimeSec = 5, MtimeNsec = 6, CtimeSec = 7, CtimeNsec = 8,
        });
        b.Entries.Add("touched", new ManifestEntry { Path = "touched", Kind = EntryKind.Directory, Mode = DirMode, MetadataOnly = true, MtimeSec = 42 });
        Assert.Equal(Id(a), Id(b));
    }

    public static TheoryData<string> IdentityChanges() =>
    [
        "base", "parent", "no parent", "path", "kind", "mode", "opaque", "target", "no target", "xattr value", "xattr name",
        "xattr added", "rdev", "size", "zero vs base", "base path", "stored digest", "block order", "entry added", "whiteout",
    ];

    [Theory]
    [MemberData(nameof(IdentityChanges))]
    public void EveryIdentityFieldChangesTheId(string change)
    {
        Assert.NotEqual(Id(Variant("none")), Id(Variant(change)));
    }

    [Fact]
    public void RdevCountsOnlyForSpecialFiles()
    {
        ManifestEntry dir = DirEntry("d");
        var dirWithRdev = new ManifestEntry { Path = "d", Kind = EntryKind.Directory, Mode = DirMode, Rdev = 77 };
        Assert.Equal(Id(Create(null, [], dir)), Id(Create(null, [], dirWithRdev)));
    }

    [Fact]
    public void EntryBoundariesAreUnambiguous()
    {
        // A file ending in stored content followed by an entry whose path starts with an item tag must not collide
        // with a differently split sequence: the 'E' terminator keeps them apart.
        Manifest a = Create(null, [PackA], FileEntry("a", 4096, ContentRun.Stored(0, 0, 1)), DirEntry("a0"));
        Manifest b = Create(null, [PackA], FileEntry("a", 4096, ContentRun.Stored(0, 0, 1)), DirEntry("a1"));
        Assert.NotEqual(Id(a), Id(b));
    }

    private static Manifest Variant(string change)
    {
        var xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["user.k"] = [1] };
        if (change == "xattr value")
        {
            xattrs["user.k"] = [2];
        }
        else if (change == "xattr name")
        {
            xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["user.j"] = [1] };
        }
        else if (change == "xattr added")
        {
            xattrs["user.l"] = [];
        }
        ContentRun[] runs = change switch
        {
            "zero vs base" => [ContentRun.FromBase("f", 1), ContentRun.FromBase("g", 1), ContentRun.Stored(0, 0, 2)],
            "base path" => [ContentRun.Zeros(1), ContentRun.FromBase("h", 1), ContentRun.Stored(0, 0, 2)],
            "stored digest" => [ContentRun.Zeros(1), ContentRun.FromBase("g", 1), ContentRun.Stored(0, 1, 2)],
            "block order" => [ContentRun.Zeros(1), ContentRun.FromBase("g", 1), ContentRun.Stored(0, 1, 1), ContentRun.Stored(0, 0, 1)],
            _ => [ContentRun.Zeros(1), ContentRun.FromBase("g", 1), ContentRun.Stored(0, 0, 2)],
        };
        var file = new ManifestEntry
        {
            Path = change == "path" ? "f2" : "f",
            Kind = EntryKind.File,
            Mode = change == "mode" ? RegularMode | 0x40 : RegularMode,
            Size = change == "size" ? 4 * 4096 - 1 : 4 * 4096,
            Runs = runs,
            Xattrs = xattrs,
        };
        var manifest = new Manifest
        {
            BaseId = change == "base" ? OtherBaseId : BaseId,
            ParentId = change switch { "parent" => OtherBaseId, "no parent" => null, _ => PackB },
            Packs = [PackA],
        };
        manifest.Entries.Add("", change == "opaque" ? DirEntry("", opaque: true) : DirEntry(""));
        manifest.Entries.Add(file.Path, file);
        manifest.Entries.Add("l", change switch
        {
            "target" => SymlinkEntry("l", "elsewhere"),
            "no target" => new ManifestEntry { Path = "l", Kind = EntryKind.Special, Mode = 0x1000 | 0x1A4 },
            "kind" => DirEntry("l"),
            _ => SymlinkEntry("l", "f"),
        });
        manifest.Entries.Add("n", new ManifestEntry { Path = "n", Kind = EntryKind.Special, Mode = 0x2000 | 0x1A4, Rdev = change == "rdev" ? 0x0105u : 0x0103u });
        if (change == "entry added")
        {
            manifest.Entries.Add("z", DirEntry("z"));
        }
        if (change == "whiteout")
        {
            manifest.Entries.Add("w", WhiteoutEntry("w"));
        }
        return manifest;
    }
}
