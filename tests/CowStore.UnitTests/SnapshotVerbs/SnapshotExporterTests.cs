using CowStore.Core.Snapshots;
using CowStore.UnitTests.Snapshots;
using Xunit;

namespace CowStore.UnitTests.SnapshotVerbs;

public sealed class SnapshotExporterTests
{
    [Fact]
    public void Export_OfASnapshot_WritesItsFiles_AndOfADirectory_KeepsHolesModesAndLinks()
    {
        using var fixture = new StoreFixture(nameof(Export_OfASnapshot_WritesItsFiles_AndOfADirectory_KeepsHolesModesAndLinks));
        string one = fixture.Commit(null, "data", 1, 2);
        string exported = fixture.Directory.PathOf("out");
        using (SnapshotTree tree = SnapshotTree.OpenSnapshot(fixture.Store, one))
        {
            ExportResult result = SnapshotExporter.Export(tree, exported);
            Assert.Equal(2, result.Files);
        }
        Assert.Equal([.. ManifestSamples.Block(1), .. ManifestSamples.Block(2)], File.ReadAllBytes(Path.Combine(exported, "data")));
        Assert.Equal("base", File.ReadAllText(Path.Combine(exported, "readme")));

        string source = fixture.Directory.CreateDirectory("source");
        using (var sparse = File.Create(Path.Combine(source, "sparse")))
        {
            sparse.SetLength(8 << 20);
            sparse.Position = 4 << 20;
            sparse.WriteByte(1);
        }
        File.CreateSymbolicLink(Path.Combine(source, "link"), "sparse");
        File.SetUnixFileMode(Path.Combine(source, "sparse"), UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var mtime = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(source, "sparse"), mtime);
        string copy = fixture.Directory.PathOf("copy");
        Directory.CreateDirectory(copy); // empty: allowed
        using (SnapshotTree tree = SnapshotTree.OpenDirectory(source))
        {
            ExportResult result = SnapshotExporter.Export(tree, copy);
            Assert.Equal(4096, result.DataBytes);
            Assert.Throws<IOException>(() => SnapshotExporter.Export(tree, copy)); // not empty any more
        }
        Assert.Equal(8 << 20, new FileInfo(Path.Combine(copy, "sparse")).Length);
        Assert.Equal(1, File.ReadAllBytes(Path.Combine(copy, "sparse"))[4 << 20]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(copy, "sparse")));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Combine(copy, "sparse")));
        Assert.Equal("sparse", new FileInfo(Path.Combine(copy, "link")).LinkTarget);
        Assert.Empty(Directory.EnumerateFileSystemEntries(fixture.Directory.Root, ".*"));
    }
}
