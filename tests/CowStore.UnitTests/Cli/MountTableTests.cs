using CowStore.Store.Sessions;
using Xunit;

namespace CowStore.UnitTests.Cli;

public sealed class MountTableTests
{
    private const string Sample =
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        + "30 22 0:26 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw\n"
        + "41 22 0:39 / /home/u/my\\040db rw,nosuid,nodev,relatime shared:20 - fuse.cowstore cowstore:db-abc123 rw,user_id=1000\n"
        + "42 22 0:40 / /tmp/tab\\011and\\134slash rw - fuse fuse rw\n"
        + "43 41 0:41 / /home/u/my\\040db rw - tmpfs none rw\n";

    [Fact]
    public void Parse_DecodesOctalEscapesInMountPoints()
    {
        MountTable table = MountTable.Parse(Sample);
        Assert.Equal(5, table.Entries.Count);
        Assert.Equal("/home/u/my db", table.Entries[2].MountPoint);
        Assert.Equal("fuse.cowstore", table.Entries[2].FileSystemType);
        Assert.Equal("cowstore:db-abc123", table.Entries[2].Source);
        Assert.Equal("/tmp/tab\tand\\slash", table.Entries[3].MountPoint);
    }

    [Fact]
    public void FindAt_ReturnsTheTopmostMount()
    {
        MountTable table = MountTable.Parse(Sample);
        Assert.Equal("tmpfs", table.FindAt("/home/u/my db")!.FileSystemType);
        Assert.Equal("tmpfs", table.FindAt("/home/u/my db/")!.FileSystemType);
        Assert.Null(table.FindAt("/home/u"));
    }

    [Fact]
    public void FindContaining_PicksTheLongestPrefix()
    {
        MountTable table = MountTable.Parse(Sample);
        Assert.Equal("/dev/shm", table.FindContaining("/dev/shm/cowstore-0/x")!.MountPoint);
        Assert.Equal("/", table.FindContaining("/dev/shmx")!.MountPoint);
    }

    [Fact]
    public void IsFuse_RecognisesEveryFuseType()
    {
        MountTable table = MountTable.Parse(Sample);
        Assert.True(table.Entries[2].IsFuse);
        Assert.True(table.Entries[3].IsFuse);
        Assert.False(table.Entries[1].IsFuse);
    }

    [Fact]
    public void Unescape_LeavesPlainTextAndDecodesUtf8Bytes()
    {
        Assert.Equal("/plain", MountTable.Unescape("/plain"));
        Assert.Equal("/caf\u00e9", MountTable.Unescape("/caf\\303\\251"));
        Assert.Equal("/back\\9", MountTable.Unescape("/back\\9"));
    }

    [Fact]
    public void Parse_RejectsGarbage() =>
        Assert.Throws<InvalidDataException>(() => MountTable.Parse("not a mountinfo line\n"));

    [Fact]
    public void Read_FindsTheRootOfThisMachine() =>
        Assert.NotNull(MountTable.Read().FindAt("/"));
}
