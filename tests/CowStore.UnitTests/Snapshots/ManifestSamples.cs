using System.Security.Cryptography;
using System.Text;
using CowStore.Core.Snapshots;

namespace CowStore.UnitTests.Snapshots;

/// <summary>Manifests and blocks for the snapshot tests.</summary>
internal static class ManifestSamples
{
    public const uint DirMode = 0x4000 | 0x1ED; // 0755
    public const uint RegularMode = 0x8000 | 0x1A4; // 0644

    public static readonly string BaseId = SnapshotId.OfText("test base");
    public static readonly string OtherBaseId = SnapshotId.OfText("other base");
    public static readonly string PackA = SnapshotId.OfText("pack a");
    public static readonly string PackB = SnapshotId.OfText("pack b");

    public static ManifestEntry DirEntry(string path, bool opaque = false) =>
        new() { Path = path, Kind = EntryKind.Directory, Mode = DirMode, Opaque = opaque, MtimeSec = 1 };

    public static ManifestEntry FileEntry(string path, long size, params ContentRun[] runs) =>
        new() { Path = path, Kind = EntryKind.File, Mode = RegularMode, Size = size, Runs = runs, Uid = 1000, Gid = 1000, MtimeSec = 1700000000, MtimeNsec = 5 };

    public static ManifestEntry SymlinkEntry(string path, string target) =>
        new() { Path = path, Kind = EntryKind.Symlink, Mode = 0xA000 | 0x1FF, SymlinkTarget = Encoding.UTF8.GetBytes(target) };

    public static ManifestEntry WhiteoutEntry(string path) => new() { Path = path, Kind = EntryKind.Whiteout };

    public static Manifest Create(string? parentId, IEnumerable<string> packs, params ManifestEntry[] entries)
    {
        var manifest = new Manifest { BaseId = BaseId, ParentId = parentId, Packs = [.. packs] };
        foreach (ManifestEntry entry in entries)
        {
            manifest.Entries.Add(entry.Path, entry);
        }
        return manifest;
    }

    /// <summary>A manifest that uses every field: root, opaque dir, file with all run kinds, symlink, device, whiteout, xattrs.</summary>
    public static Manifest Rich()
    {
        var file = new ManifestEntry
        {
            Path = "data/file",
            Kind = EntryKind.File,
            Mode = RegularMode | 0x800,
            Uid = 7,
            Gid = 8,
            AtimeSec = -5,
            AtimeNsec = 999_999_999,
            MtimeSec = 1_700_000_000,
            MtimeNsec = 1,
            CtimeSec = long.MaxValue,
            CtimeNsec = 0,
            Size = 5 * 4096 + 1,
            Runs = [ContentRun.Zeros(1), ContentRun.FromBase("old/file", 2), ContentRun.Stored(1, 10, 2), ContentRun.Stored(0, 0, 1)],
            Xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["user.a"] = [1, 2, 3], ["user.b"] = [] },
        };
        return Create("0000000000000000000000000000000000000000000000000000".Replace('0', '1'), [PackA, PackB],
            DirEntry(""),
            DirEntry("data", opaque: true),
            file,
            SymlinkEntry("link", "data/file"),
            new ManifestEntry { Path = "dev", Kind = EntryKind.Special, Mode = 0x2000 | 0x1B6, Rdev = 0x0103 },
            new ManifestEntry { Path = "meta", Kind = EntryKind.Directory, Mode = DirMode, MetadataOnly = true, MtimeSec = 99 },
            WhiteoutEntry("gone"),
            FileEntry("empty", 0));
    }

    public static byte[] Block(int seed)
    {
        byte[] block = new byte[4096];
        new Random(seed).NextBytes(block);
        return block;
    }

    public static byte[] Sha(ReadOnlySpan<byte> data) => SHA256.HashData(data);
}
