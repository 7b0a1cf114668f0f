using System.Text;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Cow;

/// <summary>
/// An open inode whose last name goes away (unlink, rename over it) lives on through its handles with
/// st_nlink 0, base inodes that were only read included.
/// </summary>
public sealed class CowOpenUnlinkedTests
{
    private static readonly FuseRequest R = CowFixture.Request;
    private static ulong Root => IFuseFileSystem.RootNodeId;

    [Fact]
    public void ReadOnlyOpenBaseFile_Unlinked_HandleReportsNlinkZero_AndReadsOriginal()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("a.txt");
        ulong fh = f.OpenFile("a.txt", 0);
        Assert.Equal(0, f.Fs.Unlink(R, Root, "a.txt"u8));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("a.txt", out _));

        FuseAttr attr = HandleAttr(f, node, fh);
        Assert.Equal(0u, attr.Nlink);
        Assert.Equal((ulong)StandardBase.BaseText.Length, attr.Size);
        Assert.Equal(StandardBase.BaseText, ReadAll(f, node, fh));

        Assert.Equal(0, f.Fs.Release(R, node, fh, 0));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(f.DeltaDirectory, "data")));
        f.Reopen();
        Assert.Equal(-Errno.ENOENT, f.TryLookup("a.txt", out _));
    }

    [Fact]
    public void ReadOnlyOpenBaseFile_RenamedOver_HandleReportsNlinkZero_AndReadsOriginal()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteFile("new.txt", "replacement"u8.ToArray());
        ulong node = f.Node("a.txt");
        ulong fh = f.OpenFile("a.txt", 0);
        Assert.Equal(0, f.Fs.Rename(R, Root, "new.txt"u8, Root, "a.txt"u8, 0));
        Assert.Equal("replacement", f.ReadText("a.txt"));

        FuseAttr attr = HandleAttr(f, node, fh);
        Assert.Equal(0u, attr.Nlink);
        Assert.Equal((ulong)StandardBase.BaseText.Length, attr.Size);
        Assert.Equal(StandardBase.BaseText, ReadAll(f, node, fh));

        Assert.Equal(0, f.Fs.Release(R, node, fh, 0));
        f.Reopen();
        Assert.Equal("replacement", f.ReadText("a.txt"));
    }

    [Fact]
    public void ReadOnlyOpenBaseFile_UnlinkedThenCrash_OrphanIsDropped()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("big.bin");
        ulong fh = f.OpenFile("big.bin", 0);
        Assert.Equal(0, f.Fs.Unlink(R, Root, "big.bin"u8));
        Assert.Equal(0u, HandleAttr(f, node, fh).Nlink);
        f.Crash();
        Assert.Equal(-Errno.ENOENT, f.TryLookup("big.bin", out _));
        Assert.Equal(StandardBase.BaseText, f.ReadText("a.txt"));
    }

    [Fact]
    public void OpenDirectory_RenamedOver_NodeStillStats_WithNlinkZero_UntilReleaseDir()
    {
        // The model test's failure: fstat of a directory fd (GETATTR by node, no fh) after rename over it.
        using var f = new CowFixture(StandardBase.Build);
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "victim"u8, 0x1ED, 0, ref entry));
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "mover"u8, 0x1ED, 0, ref entry));
        ulong node = f.Node("victim");
        var open = default(FuseOpenOut);
        Assert.Equal(0, f.Fs.OpenDir(R, node, 0, ref open));
        Assert.Equal(0, f.Fs.Rename(R, Root, "mover"u8, Root, "victim"u8, 0));

        var attr = default(FuseAttrOut);
        Assert.Equal(0, f.Fs.GetAttr(R, node, 0, ref attr));
        Assert.Equal(0u, attr.Attr.Nlink);
        Assert.Equal(4096ul, attr.Attr.Size); // renamed over keeps its size (ext4)
        Assert.Equal(0x4000u, attr.Attr.Mode & 0xF000);
        Assert.NotEqual(attr.Attr.Ino, f.Attr("victim").Ino);

        Assert.Equal(0, f.Fs.ReleaseDir(R, node, open.Fh));
        Assert.Equal(-Errno.ENOENT, f.Fs.GetAttr(R, node, 0, ref attr));
        f.Reopen();
        Assert.Equal([".", ".."], f.List("victim"));
    }

    [Fact]
    public void OpenBaseDirectory_Removed_StatsWithNlinkZero_AndOrphanIsDroppedAfterCrash()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("empty");
        var open = default(FuseOpenOut);
        Assert.Equal(0, f.Fs.OpenDir(R, node, 0, ref open));
        Assert.Equal(0, f.Fs.Rmdir(R, Root, "empty"u8));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("empty", out _));

        var attr = default(FuseAttrOut);
        Assert.Equal(0, f.Fs.GetAttr(R, node, 0, ref attr));
        Assert.Equal(0u, attr.Attr.Nlink);
        Assert.Equal(0ul, attr.Attr.Size); // rmdir empties it (ext4)
        f.Crash();
        Assert.Equal(-Errno.ENOENT, f.TryLookup("empty", out _));
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "empty"u8, 0x1ED, 0, ref entry));
        Assert.Equal(2u, f.Attr("empty").Nlink);
    }

    private static FuseAttr HandleAttr(CowFixture f, ulong node, ulong fh)
    {
        var attr = default(FuseAttrOut);
        Assert.Equal(0, f.Fs.GetAttr(R, node, fh, ref attr));
        return attr.Attr;
    }

    private static string ReadAll(CowFixture f, ulong node, ulong fh)
    {
        byte[] buffer = new byte[4096];
        int n = f.Fs.Read(R, node, fh, 0, buffer);
        Assert.True(n >= 0, $"read failed: {n}");
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
