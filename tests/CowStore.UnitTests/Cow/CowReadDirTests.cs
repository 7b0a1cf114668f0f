using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Cow;

public sealed class CowReadDirTests
{
    private static readonly FuseRequest R = CowFixture.Request;

    private static void ManyFiles(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "d"));
        for (int i = 0; i < 30; i++)
        {
            File.WriteAllText(Path.Combine(root, "d", $"base-{i:D2}"), i.ToString());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TinyBuffer_MergesBaseAndDelta_WithoutDuplicates(bool plus)
    {
        using var f = new CowFixture(ManyFiles, $"TinyBuffer_{plus}");
        for (int i = 0; i < 10; i++)
        {
            f.WriteFile($"d/new-{i}", "n"u8.ToArray());
        }
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(0, f.Fs.Unlink(R, f.Node("d"), System.Text.Encoding.UTF8.GetBytes($"base-{i:D2}")));
        }
        int bufferSize = plus ? 200 : 48;
        List<string> names = f.List("d", bufferSize, plus);
        var expected = new List<string> { ".", ".." };
        expected.AddRange(Enumerable.Range(5, 25).Select(i => $"base-{i:D2}"));
        expected.AddRange(Enumerable.Range(0, 10).Select(i => $"new-{i}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReadDirPlus_CountsLookups_AndOffsetsSurviveChanges()
    {
        using var f = new CowFixture(ManyFiles);
        ulong dir = f.Node("d");
        var open = default(FuseOpenOut);
        Assert.Equal(0, f.Fs.OpenDir(R, dir, 0, ref open));
        byte[] buffer = new byte[400];
        var writer = new DirectoryEntryWriter(buffer, plus: true);
        Assert.Equal(0, f.Fs.ReadDir(R, dir, open.Fh, 0, ref writer));
        var names = new List<string>();
        long cookie = DirentParser.Parse(buffer.AsSpan(0, writer.BytesWritten), true, names);
        // A change between two reads must not shift the remaining cookies.
        f.WriteFile("d/zzz-late", "z"u8.ToArray());
        while (true)
        {
            writer = new DirectoryEntryWriter(buffer, plus: true);
            Assert.Equal(0, f.Fs.ReadDir(R, dir, open.Fh, cookie, ref writer));
            if (writer.BytesWritten == 0)
            {
                break;
            }
            cookie = DirentParser.Parse(buffer.AsSpan(0, writer.BytesWritten), true, names);
        }
        Assert.Equal(0, f.Fs.ReleaseDir(R, dir, open.Fh));
        Assert.Equal(32, names.Count);
        Assert.Equal(32, names.Distinct().Count());
        // READDIRPLUS counted one lookup of base-07; two forgets (plus our Node lookup) must drop it.
        ulong node = f.Node("d/base-07");
        f.Fs.Forget(node, 2);
        var attr = default(FuseAttrOut);
        Assert.Equal(-Errno.ENOENT, f.Fs.GetAttr(R, node, 0, ref attr));
    }
}
