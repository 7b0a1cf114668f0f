using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>
/// The delta on a 1 MiB tmpfs: ENOSPC reaches the caller, the file stays exactly the acknowledged content
/// (also after reopening), and freeing space lets it continue. Needs root for mount(8).
/// </summary>
public sealed class BlockFileEnospcTests
{
    private const int B = BlockFile.BlockSize;
    private const int ENOSPC = 28;

    [Fact]
    public void FullDeltaDiskReportsEnospcAndStaysConsistent()
    {
        using var dir = new BlockTestDirectory();
        string small = dir.MountTmpfs("small", 1024 * 1024);
        byte[] content = BlockFileModelTests.RandomContent(new Random(21), 1024 * B); // 4 MiB base, bigger than the disk
        string basePath = dir.CreateBase("base", content);
        string prefix = Path.Combine(small, "delta");
        string ballast = Path.Combine(small, "ballast");
        File.WriteAllBytes(ballast, new byte[256 * 1024]);

        var reference = new BlockFileReference(content);
        var random = new Random(22);
        BlockFile file = BlockFile.Create(prefix, basePath, content.Length);
        try
        {
            int failures = 0;
            for (int i = 0; i < 600 && failures < 20; i++)
            {
                byte[] data = new byte[random.Next(1, 3 * B)];
                random.NextBytes(data);
                // First writes into base blocks (partial: they copy a block), and growth past the end.
                long offset = i % 3 == 2 ? reference.Size + random.Next(0, B) : random.Next(0, content.Length - data.Length);
                int r = file.Write(offset, data);
                if (r == -ENOSPC)
                {
                    failures++;
                    continue;
                }
                Assert.Equal(data.Length, r);
                reference.Write(offset, data);
            }
            Assert.True(failures > 0, "the 1 MiB disk never filled up");
            reference.AssertMatches(file, "after ENOSPC");
            Assert.Equal(0, file.Sync(false));
            file.Dispose();
            file = BlockFile.Open(prefix, basePath, content.Length);
            reference.AssertMatches(file, "reopened after ENOSPC");

            File.Delete(ballast); // free space: the same file continues
            byte[] more = Enumerable.Repeat((byte)0xEE, 3 * B).ToArray();
            Assert.Equal(more.Length, file.Write(reference.Size + 100, more));
            reference.Write(reference.Size + 100, more);
            Assert.Equal(0, file.Sync(false));
            reference.AssertMatches(file, "after freeing space");
            file.Dispose();
            file = BlockFile.Open(prefix, basePath, content.Length);
            reference.AssertMatches(file, "reopened after freeing space");
        }
        finally
        {
            file.Dispose();
        }
    }

    [Fact]
    public void FallocateOnFullDeltaDiskReportsEnospcWithoutGrowing()
    {
        using var dir = new BlockTestDirectory();
        string small = dir.MountTmpfs("small", 1024 * 1024);
        string prefix = Path.Combine(small, "delta");
        using BlockFile file = BlockFile.Create(prefix, null, 0);
        Assert.Equal(5, file.Write(0, "hello"u8));
        Assert.Equal(-ENOSPC, file.Fallocate(0, 0, 8L * 1024 * 1024));
        Assert.Equal(5, file.Size);
        Assert.Equal(0, file.Fallocate(0, 0, 256 * 1024));
        Assert.Equal(256 * 1024, file.Size);
        Assert.Equal(0, file.Sync(false));
    }
}
