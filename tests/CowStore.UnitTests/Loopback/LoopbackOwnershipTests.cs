using System.Text;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Loopback;

public sealed class LoopbackOwnershipTests
{
    private const ulong Root = IFuseFileSystem.RootNodeId;
    private static readonly FuseRequest OtherUser = new(7, 4321, 4322, 1);

    [Fact]
    public void CreationOps_ByAnotherUser_BelongToThatUser_WhenTheDaemonIsRoot()
    {
        using var h = new LoopbackHarness();
        FuseEntryOut file = default, dir = default, link = default, node = default;
        FuseOpenOut open = default;
        Assert.Equal(0, h.FileSystem.Create(OtherUser, Root, LoopbackHarness.Name("f"), PosixConstants.O_RDWR, 0x1A4, 0, ref file, ref open));
        Assert.Equal(0, h.FileSystem.Mkdir(OtherUser, Root, LoopbackHarness.Name("d"), 0x1ED, 0, ref dir));
        Assert.Equal(0, h.FileSystem.Symlink(OtherUser, Root, LoopbackHarness.Name("l"), "f"u8, ref link));
        Assert.Equal(0, h.FileSystem.Mknod(OtherUser, Root, LoopbackHarness.Name("p"), 0x1000 | 0x1A4, 0, 0, ref node));

        // An unprivileged daemon cannot chown: what it creates is its own, like any process's files.
        uint expectedUid = Libc.GetEUid() == 0 ? OtherUser.Uid : Libc.GetEUid();
        foreach (string name in new[] { "f", "d", "l", "p" })
        {
            Stat stat = LoopbackHarness.LStat(h.PathOf(name));
            Assert.Equal(expectedUid, stat.Uid);
        }
        Assert.Equal(expectedUid, file.Attr.Uid);
        Assert.Equal(expectedUid, dir.Attr.Uid);
        h.FileSystem.Release(OtherUser, file.NodeId, open.Fh, 0);
    }

    [Fact]
    public void Mkdir_InASetGidDirectory_KeepsTheInheritedGroup()
    {
        using var h = new LoopbackHarness();
        if (Libc.GetEUid() != 0)
        {
            return; // only a root daemon chowns; nothing to check otherwise
        }
        Directory.CreateDirectory(h.PathOf("shared"));
        LoopbackHarness.Chmod(h.PathOf("shared"), 0x5FF); // 02777
        FuseEntryOut shared = h.Lookup("shared");

        FuseEntryOut sub = default;
        Assert.Equal(0, h.FileSystem.Mkdir(OtherUser, shared.NodeId, LoopbackHarness.Name("sub"), 0x1ED, 0, ref sub));

        Stat stat = LoopbackHarness.LStat(Path.Combine(h.PathOf("shared"), "sub"));
        Assert.Equal(OtherUser.Uid, stat.Uid);
        Assert.Equal(LoopbackHarness.LStat(h.PathOf("shared")).Gid, stat.Gid);
        Assert.NotEqual(0u, stat.Mode & PosixConstants.S_ISGID);
    }

    [Fact]
    public void ReadDir_FromOffsetZeroAgain_TakesAFreshSnapshot()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("before"), "");
        FuseOpenOut open = default;
        Assert.Equal(0, h.FileSystem.OpenDir(LoopbackHarness.Caller, Root, 0, ref open));
        byte[] buffer = new byte[4096];

        var first = new DirectoryEntryWriter(buffer, plus: false);
        Assert.Equal(0, h.FileSystem.ReadDir(LoopbackHarness.Caller, Root, open.Fh, 0, ref first));
        Assert.DoesNotContain("after", Encoding.UTF8.GetString(buffer, 0, first.BytesWritten));

        File.WriteAllText(h.PathOf("after"), "");
        var again = new DirectoryEntryWriter(buffer, plus: false);
        Assert.Equal(0, h.FileSystem.ReadDir(LoopbackHarness.Caller, Root, open.Fh, 0, ref again));
        Assert.Contains("after", Encoding.UTF8.GetString(buffer, 0, again.BytesWritten));
        Assert.Equal(0, h.FileSystem.ReleaseDir(LoopbackHarness.Caller, Root, open.Fh));
    }
}
