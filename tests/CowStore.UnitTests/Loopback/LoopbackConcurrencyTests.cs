using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Loopback;

public sealed class LoopbackConcurrencyTests
{
    [Fact]
    public void ConcurrentLookupsAndForgets_OfHardLinkedNames_KeepOneNodePerInode_AndBalanceToZero()
    {
        using var h = new LoopbackHarness();
        const int Files = 16;
        for (int i = 0; i < Files; i++)
        {
            File.WriteAllText(h.PathOf($"f{i}"), "");
            File.CreateSymbolicLink(h.PathOf($"s{i}"), $"f{i}");
        }
        for (int i = 0; i < Files; i++)
        {
            // A second name for the same inode: both names must resolve to one node.
            Assert.Equal(0, LinkInBackingDirectory(h, $"f{i}", $"g{i}"));
        }

        Parallel.For(0, 8, worker =>
        {
            for (int round = 0; round < 300; round++)
            {
                int i = (worker * 7 + round) % Files;
                ulong file = LookupNode(h, $"f{i}");
                // While "f" is held its node cannot be freed, so the other name must land on the same node.
                ulong link = LookupNode(h, $"g{i}");
                ulong symlink = LookupNode(h, $"s{i}");
                Assert.Equal(file, link);
                Assert.NotEqual(file, symlink);
                h.FileSystem.Forget(symlink, 1);
                h.FileSystem.Forget(link, 1);
                h.FileSystem.Forget(file, 1);
            }
        });

        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    [Fact]
    public void LookupsThroughTwoHardLinks_ShareOneCount()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("a"), "");
        Assert.Equal(0, LinkInBackingDirectory(h, "a", "b"));

        FuseEntryOut a = h.Lookup("a");
        FuseEntryOut b = h.Lookup("b");
        Assert.Equal(a.NodeId, b.NodeId);
        Assert.Equal(2u, b.Attr.Nlink);

        h.FileSystem.Forget(a.NodeId, 1);
        FuseAttrOut attr = default;
        Assert.Equal(0, h.FileSystem.GetAttr(LoopbackHarness.Caller, b.NodeId, 0, ref attr));
        h.FileSystem.Forget(b.NodeId, 1);
        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    private static ulong LookupNode(LoopbackHarness h, string name)
    {
        FuseEntryOut entry = default;
        Assert.Equal(0, h.FileSystem.Lookup(LoopbackHarness.Caller, IFuseFileSystem.RootNodeId, LoopbackHarness.Name(name), ref entry));
        return entry.NodeId;
    }

    private static int LinkInBackingDirectory(LoopbackHarness h, string existing, string newName)
    {
        FuseEntryOut entry = h.Lookup(existing);
        FuseEntryOut linked = default;
        int rc = h.FileSystem.Link(LoopbackHarness.Caller, entry.NodeId, IFuseFileSystem.RootNodeId, LoopbackHarness.Name(newName), ref linked);
        h.FileSystem.Forget(entry.NodeId, rc == 0 ? 2UL : 1UL);
        return rc;
    }
}
