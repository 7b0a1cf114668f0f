using System.Security.Cryptography;
using CowStore.Core.Snapshots;
using CowStore.Fuse;
using Xunit;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

public sealed class PackTests
{
    private static (string Packs, string Tmp) Layout(SnapshotTestDirectory dir) => (dir.CreateDirectory("packs"), dir.CreateDirectory("tmp"));

    private static string WritePack(string packs, string tmp, params int[] seeds)
    {
        using PackWriter writer = PackWriter.Create(tmp);
        foreach (int seed in seeds)
        {
            byte[] block = Block(seed);
            Assert.Equal(writer.BlockCount, writer.Add(block, Sha(block)));
        }
        return writer.Publish(packs);
    }

    [Fact]
    public void PublishedPackReadsBackEveryBlock()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, 1, 2, 3);

        Assert.True(SnapshotId.IsValid(id));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(PackIndex.PackPath(packs, id)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(PackIndex.IndexPath(packs, id)));
        Assert.Equal(3 * 4096, new FileInfo(PackIndex.PackPath(packs, id)).Length);
        Assert.Equal(24 + 3 * 40 + 32, new FileInfo(PackIndex.IndexPath(packs, id)).Length);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        using PackReader reader = PackReader.Open(packs, id);
        Assert.Equal(3, reader.BlockCount);
        byte[] buffer = new byte[4096], digest = new byte[32];
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, reader.ReadBlock(i, buffer));
            Assert.Equal(Block(i + 1), buffer);
            reader.CopyDigest(i, digest);
            Assert.Equal(Sha(Block(i + 1)), digest);
            Assert.Null(reader.CheckBlock(i, buffer));
        }
        Assert.Equal(-Errno.EIO, reader.ReadBlock(3, buffer));
        Assert.Equal(-Errno.EIO, reader.ReadBlock(-1, buffer));
    }

    [Fact]
    public void PackIdDependsOnlyOnContentAndPublishIsIdempotent()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string first = WritePack(packs, tmp, 1, 2);
        string again = WritePack(packs, tmp, 1, 2);
        string other = WritePack(packs, tmp, 2, 1);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(PackIndex.IdOf([.. Sha(Block(1)), .. Sha(Block(2))]), first);
        Assert.Equal(4, Directory.GetFiles(packs).Length);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
    }

    [Fact]
    public void DisposingAnUnpublishedWriterLeavesNothing()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        using (PackWriter writer = PackWriter.Create(tmp))
        {
            writer.Add(Block(1), Sha(Block(1)));
            Assert.NotEmpty(Directory.EnumerateFileSystemEntries(tmp));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        Assert.Empty(Directory.EnumerateFileSystemEntries(packs));
    }

    [Fact]
    public void FlippedByteInPackReadsAsEioNeverWrongData()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, 1, 2, 3);
        FlipByte(PackIndex.PackPath(packs, id), 4096 + 17);

        using PackReader reader = PackReader.Open(packs, id);
        byte[] buffer = new byte[4096];
        Assert.Equal(0, reader.ReadBlock(0, buffer));
        Assert.Equal(-Errno.EIO, reader.ReadBlock(1, buffer));
        Assert.DoesNotContain(buffer, b => b != 0);
        Assert.Equal(0, reader.ReadBlock(2, buffer));
        Assert.Equal("SHA-256 mismatch", reader.CheckBlock(1, buffer));
    }

    [Fact]
    public void ShortPackReadsAsEio()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, 1, 2);
        File.SetUnixFileMode(PackIndex.PackPath(packs, id), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var stream = new FileStream(PackIndex.PackPath(packs, id), FileMode.Open))
        {
            stream.SetLength(4096 + 100);
        }
        using PackReader reader = PackReader.Open(packs, id);
        byte[] buffer = new byte[4096];
        Assert.Equal(0, reader.ReadBlock(0, buffer));
        Assert.Equal(-Errno.EIO, reader.ReadBlock(1, buffer));
        Assert.Equal("truncated (pack too short)", reader.CheckBlock(1, buffer));
    }

    [Theory]
    [InlineData(0, "bad magic")]
    [InlineData(8, "written by a newer cowstore")]
    [InlineData(12, "block size")]
    [InlineData(16, "does not fit a block count")]
    [InlineData(30, "checksum mismatch")]
    [InlineData(-1, "checksum mismatch")]
    public void DamagedIndexIsRefused(int offset, string message)
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, 1, 2);
        string index = PackIndex.IndexPath(packs, id);
        FlipByte(index, offset >= 0 ? offset : new FileInfo(index).Length - 1, offset == 8 ? (byte)0x02 : (byte)0x01);
        var error = Assert.Throws<InvalidDataException>(() => PackReader.Open(packs, id));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(index, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexUnderAnotherNameIsRefused()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, 1);
        string other = SnapshotId.OfText("other");
        File.Copy(PackIndex.IndexPath(packs, id), PackIndex.IndexPath(packs, other));
        File.Copy(PackIndex.PackPath(packs, id), PackIndex.PackPath(packs, other));
        var error = Assert.Throws<InvalidDataException>(() => PackReader.Open(packs, other));
        Assert.Contains("belong to pack " + id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPackIsFileNotFound()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, _) = Layout(dir);
        Assert.Throws<FileNotFoundException>(() => PackReader.Open(packs, SnapshotId.OfText("none")));
    }

    [Fact]
    public void ReadBlockIsThreadSafe()
    {
        using var dir = new SnapshotTestDirectory();
        (string packs, string tmp) = Layout(dir);
        string id = WritePack(packs, tmp, Enumerable.Range(0, 64).ToArray());
        using PackReader reader = PackReader.Open(packs, id);
        Parallel.For(0, 8, worker =>
        {
            byte[] buffer = new byte[4096];
            for (int round = 0; round < 50; round++)
            {
                int block = (worker * 7 + round) % 64;
                Assert.Equal(0, reader.ReadBlock(block, buffer));
                Assert.Equal(Sha(Block(block)), SHA256.HashData(buffer));
            }
        });
    }

    internal static void FlipByte(string path, long offset, byte mask = 0x01)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ mask));
    }
}
