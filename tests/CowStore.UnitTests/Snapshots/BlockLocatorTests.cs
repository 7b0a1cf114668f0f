using CowStore.Core.Snapshots;
using Xunit;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

public sealed class BlockLocatorTests
{
    [Fact]
    public void FindsBlocksOfPublishedPacksAndIgnoresIncompleteOnes()
    {
        using var dir = new SnapshotTestDirectory();
        string packs = dir.CreateDirectory("packs"), tmp = dir.CreateDirectory("tmp");
        string id;
        using (PackWriter writer = PackWriter.Create(tmp))
        {
            writer.Add(Block(1), Sha(Block(1)));
            writer.Add(Block(2), Sha(Block(2)));
            id = writer.Publish(packs);
        }
        // A .pack without its .idx is an interrupted publication: not a source of blocks.
        File.WriteAllBytes(Path.Combine(packs, SnapshotId.OfText("partial") + ".pack"), Block(3));

        BlockLocator locator = BlockLocator.Load(packs);
        Assert.Equal(2, locator.Count);
        Assert.True(locator.TryFind(Sha(Block(2)), out string pack, out long block));
        Assert.Equal((id, 1L), (pack, block));
        Assert.False(locator.TryFind(Sha(Block(3)), out _, out _));
    }

    [Fact]
    public void DeduplicatesBlocksOfThePackBeingWritten()
    {
        var locator = new BlockLocator();
        locator.Add(Sha(Block(1)), "", 0);
        locator.Add(Sha(Block(1)), "", 5);
        locator.Add(Sha(Block(2)), "", 1);
        Assert.Equal(2, locator.Count);
        Assert.True(locator.TryFind(Sha(Block(1)), out string pack, out long block));
        Assert.Equal(("", 0L), (pack, block));
    }

    [Fact]
    public void FullDigestDecidesWhenTheFirstEightBytesCollide()
    {
        var locator = new BlockLocator();
        byte[] a = new byte[32], b = new byte[32], c = new byte[32];
        a[31] = 1;
        b[31] = 2;
        c[31] = 3;
        locator.Add(a, "p", 0);
        locator.Add(b, "p", 1);
        Assert.True(locator.TryFind(b, out _, out long block));
        Assert.Equal(1, block);
        Assert.True(locator.TryFind(a, out _, out block));
        Assert.Equal(0, block);
        Assert.False(locator.TryFind(c, out _, out _));
        Assert.Equal(2, locator.Count);
    }

    [Fact]
    public void EmptyOrMissingDirectoryGivesEmptyLocator()
    {
        Assert.Equal(0, BlockLocator.Load("/nonexistent/cowstore/packs").Count);
    }
}
