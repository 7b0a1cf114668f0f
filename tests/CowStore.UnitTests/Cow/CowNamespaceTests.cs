using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Cow;

public sealed class CowNamespaceTests
{
    private static readonly FuseRequest R = CowFixture.Request;
    private const ulong Root = IFuseFileSystem.RootNodeId;

    [Fact]
    public void RenameBaseDirectoryWithFiles_ReadThroughNewPath_NoDataCopied()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong dbIno = f.Attr("db").Ino;
        ulong threeIno = f.Attr("db/sub/three").Ino;
        Assert.Equal(0, f.Fs.Rename(R, Root, "db"u8, f.Node("empty"), "moved"u8, 0));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db", out _));
        Assert.Equal("one", f.ReadText("empty/moved/one"));
        Assert.Equal("three", f.ReadText("empty/moved/sub/three"));
        Assert.Equal(dbIno, f.Attr("empty/moved").Ino);
        Assert.Equal(threeIno, f.Attr("empty/moved/sub/three").Ino);
        Assert.Empty(Directory.GetFiles(Path.Combine(f.DeltaDirectory, "data")));
        f.Reopen();
        Assert.Equal("two", f.ReadText("empty/moved/two"));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db", out _));
    }

    [Fact]
    public void UnlinkBaseFile_LookupFails_ReaddirHidesIt()
    {
        using var f = new CowFixture(StandardBase.Build);
        Assert.Contains(".hidden", f.List(""));
        Assert.Equal(0, f.Fs.Unlink(R, f.Node("db"), "one"u8));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db/one", out _));
        Assert.DoesNotContain("one", f.List("db"));
        Assert.Contains("two", f.List("db"));
        Assert.Equal(0, f.Fs.Rmdir(R, Root, "empty"u8));
        Assert.Equal(-Errno.ENOTEMPTY, f.Fs.Rmdir(R, Root, "db"u8));
        Assert.Equal(-Errno.EISDIR, f.Fs.Unlink(R, Root, "db"u8));
        f.Reopen();
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db/one", out _));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("empty", out _));
        Assert.True(File.Exists(Path.Combine(f.BaseDirectory, "db", "one")));
    }

    [Fact]
    public void HardLinks_HaveRightLinkCount_IncludingBaseFiles()
    {
        using var f = new CowFixture(StandardBase.Build);
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Link(R, f.Node("a.txt"), f.Node("db"), "a-link"u8, ref entry));
        Assert.Equal(2u, entry.Attr.Nlink);
        Assert.Equal(f.Attr("a.txt").Ino, f.Attr("db/a-link").Ino);
        Assert.Equal(2u, f.Attr("a.txt").Nlink);
        f.WriteAt("db/a-link", 0, "J"u8.ToArray());
        Assert.Equal("Jello base", f.ReadText("a.txt"));
        Assert.Equal(0, f.Fs.Unlink(R, Root, "a.txt"u8));
        Assert.Equal(1u, f.Attr("db/a-link").Nlink);
        f.Reopen();
        Assert.Equal(1u, f.Attr("db/a-link").Nlink);
        Assert.Equal("Jello base", f.ReadText("db/a-link"));
    }

    [Fact]
    public void Rename_Flags_And_Replacement()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong db = f.Node("db");
        Assert.Equal(-Errno.EEXIST, f.Fs.Rename(R, db, "one"u8, db, "two"u8, 1));
        Assert.Equal(0, f.Fs.Rename(R, db, "one"u8, db, "two"u8, 2)); // exchange
        Assert.Equal("two", f.ReadText("db/one"));
        Assert.Equal("one", f.ReadText("db/two"));
        ulong oneIno = f.Attr("db/one").Ino;
        Assert.Equal(0, f.Fs.Rename(R, db, "one"u8, db, "two"u8, 0)); // over an existing file
        Assert.Equal(oneIno, f.Attr("db/two").Ino);
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db/one", out _));
        Assert.Equal(-Errno.ENOTEMPTY, f.Fs.Rename(R, Root, "empty"u8, Root, "db"u8, 0));
        Assert.Equal(0, f.Fs.Rename(R, db, "sub"u8, Root, "empty"u8, 0)); // over an empty directory
        Assert.Equal("three", f.ReadText("empty/three"));
        Assert.Equal(-Errno.EISDIR, f.Fs.Rename(R, db, "two"u8, Root, "empty"u8, 0));
        f.Reopen();
        Assert.Equal("two", f.ReadText("db/two"));
        Assert.Equal("three", f.ReadText("empty/three"));
    }

    [Fact]
    public void MkdirMknod_InNewAndBaseDirectories()
    {
        using var f = new CowFixture(StandardBase.Build);
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Mkdir(R, f.Node("db/sub"), "deep"u8, 0x1ED, 0, ref entry));
        Assert.Equal(0x41EDu, entry.Attr.Mode);
        Assert.Equal(3u, f.Attr("db/sub").Nlink);
        Assert.Equal(-Errno.EEXIST, f.Fs.Mkdir(R, f.Node("db/sub"), "deep"u8, 0x1ED, 0, ref entry));
        Assert.Equal(0, f.Fs.Mknod(R, f.Node("db/sub/deep"), "fifo"u8, 0x1000 | 0x1A4, 0, 0, ref entry));
        f.WriteFile("db/sub/deep/file", "x"u8.ToArray());
        f.Reopen();
        Assert.Equal(0x1000u, f.Attr("db/sub/deep/fifo").Mode & 0xF000);
        Assert.Equal("x", f.ReadText("db/sub/deep/file"));
        Assert.Equal(["three", "deep"], f.List("db/sub").Skip(2).Order().Reverse());
    }

    [Fact]
    public void DirectoryNlink_FollowsSubdirectories_ThroughRenamesAndReopen()
    {
        using var f = new CowFixture(StandardBase.Build);
        var entry = default(FuseEntryOut);
        Assert.Equal(4u, f.Attr("").Nlink); // db, empty
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "x"u8, 0x1ED, 0, ref entry));
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "y"u8, 0x1ED, 0, ref entry));
        Assert.Equal(6u, f.Attr("").Nlink);
        Assert.Equal(0, f.Fs.Rename(R, Root, "x"u8, Root, "empty"u8, 0)); // a directory over a directory
        Assert.Equal(5u, f.Attr("").Nlink);
        Assert.Equal(0, f.Fs.Rename(R, Root, "y"u8, f.Node("db"), "y"u8, 0)); // moves to another directory
        Assert.Equal(4u, f.Attr("").Nlink);
        Assert.Equal(4u, f.Attr("db").Nlink); // sub, y
        f.WriteFile("file", "x"u8.ToArray());
        Assert.Equal(0, f.Fs.Rename(R, Root, "file"u8, f.Node("db"), "zz"u8, 0)); // files do not count
        Assert.Equal(4u, f.Attr("db").Nlink);
        Assert.Equal(0, f.Fs.Rmdir(R, f.Node("db"), "y"u8));
        Assert.Equal(3u, f.Attr("db").Nlink);
        f.Reopen();
        Assert.Equal(4u, f.Attr("").Nlink);
        Assert.Equal(3u, f.Attr("db").Nlink);
    }

    [Fact]
    public void Forget_DropsNodes_ButNotState()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteFile("kept", "data"u8.ToArray());
        ulong node = f.Node("kept");
        // CreateFile and Node each counted one lookup.
        f.Fs.Forget(node, 2);
        var attr = default(FuseAttrOut);
        Assert.Equal(-Errno.ENOENT, f.Fs.GetAttr(R, node, 0, ref attr));
        Assert.Equal("data", f.ReadText("kept"));
    }
}
