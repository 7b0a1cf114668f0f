using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>
/// The runway for log writers: a small write continuing the previous one after a sync prepares the blocks
/// ahead (base blocks copied, holes zero-filled). It must never change the content, survive a reopen, stay
/// within Size and the promised bound, and never trigger for writers that do not sync in between.
/// </summary>
public sealed class BlockFileRunwayTests
{
    private const int B = BlockFile.BlockSize;
    private const int Page = 2 * B;
    private const long Runway = 512 * 1024;

    [Fact]
    public void SyncedLogWriterOverBasePreparesBlocksAheadWithoutChangingContent()
    {
        using var dir = new BlockTestDirectory();
        // Data in the first half, a hole in the second: the runway crosses both.
        byte[] content = new byte[2 * 1024 * 1024];
        new Random(11).NextBytes(content.AsSpan(0, 1024 * 1024));
        string basePath = dir.CreateBase("base", content);
        string prefix = dir.PathOf("delta");
        var reference = new BlockFileReference(content);
        using (BlockFile file = BlockFile.Create(prefix, basePath, content.Length))
        {
            long start = (1024 * 1024) - (4 * Page);
            for (int i = 0; i < 3; i++)
            {
                byte[] page = Enumerable.Repeat((byte)(0xA0 + i), Page).ToArray();
                Assert.Equal(Page, file.Write(start + (i * Page), page));
                reference.Write(start + (i * Page), page);
                Assert.Equal(0, file.Sync(false));
            }
            long allocated = BlockTestDirectory.DataAllocated(prefix);
            Assert.InRange(allocated, (3 * Page) + (Runway / 2), (3 * Page) + Runway);
            reference.AssertMatches(file, "after the log writes");
        }
        using BlockFile reopened = BlockFile.Open(prefix, basePath, content.Length);
        reference.AssertMatches(reopened, "after reopen");
    }

    [Fact]
    public void NewFileLogWriterFillsHolesAheadWithinSize()
    {
        using var dir = new BlockTestDirectory();
        string prefix = dir.PathOf("delta");
        using BlockFile file = BlockFile.Create(prefix, basePath: null, baseSize: 0);
        Assert.Equal(0, file.Truncate(Runway + (2 * Page) + 100)); // a partial last block: never filled
        byte[] page = Enumerable.Repeat((byte)0x3C, Page).ToArray();
        Assert.Equal(Page, file.Write(0, page));
        Assert.Equal(0, file.Sync(false));
        Assert.Equal(Page, file.Write(Page, page));
        Assert.Equal(0, file.Sync(false));
        long allocated = BlockTestDirectory.DataAllocated(prefix);
        Assert.Equal(file.Size / B * B, allocated);
        var reference = new BlockFileReference(new byte[file.Size]);
        reference.Write(0, page);
        reference.Write(Page, page);
        reference.AssertMatches(file, "after the log writes");
    }

    [Fact]
    public void WritesWithoutSyncInBetweenPrepareNothing()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = new byte[1024 * 1024];
        new Random(12).NextBytes(content);
        string basePath = dir.CreateBase("base", content);
        string prefix = dir.PathOf("delta");
        using BlockFile file = BlockFile.Create(prefix, basePath, content.Length);
        byte[] page = Enumerable.Repeat((byte)0x77, Page).ToArray();
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(Page, file.Write(i * Page, page)); // sequential, like a checkpoint writing sorted pages
        }
        Assert.Equal(0, file.Sync(false));
        Assert.Equal(Page, file.Write(20 * Page, page)); // synced, but not continuing the previous write
        Assert.Equal(0, file.Sync(false));
        Assert.Equal(9 * Page, BlockTestDirectory.DataAllocated(prefix));
    }
}
