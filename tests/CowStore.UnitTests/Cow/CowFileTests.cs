using System.Text;
using CowStore.Core.Cow;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Cow;

public sealed class CowFileTests
{
    private static readonly FuseRequest R = CowFixture.Request;

    [Fact]
    public void CreateWriteRead_NewFile()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteFile("new.txt", "fresh"u8.ToArray());
        Assert.Equal("fresh", f.ReadText("new.txt"));
        FuseAttr attr = f.Attr("new.txt");
        Assert.Equal(5UL, attr.Size);
        Assert.Equal(CowFixture.Owner, attr.Uid);
        Assert.True((attr.Ino & (1UL << 63)) != 0, "delta inodes come from the high range");
    }

    [Fact]
    public void BaseFiles_ArePresentedOwnedAndWritable()
    {
        using var f = new CowFixture(StandardBase.Build);
        FuseAttr file = f.Attr("a.txt");
        Assert.Equal(0x81A4u, file.Mode); // 0444 -> 0644
        Assert.Equal(CowFixture.Owner, file.Uid);
        Assert.Equal(CowFixture.Owner, file.Gid);
        Assert.Equal(1UL, file.Mtime);
        Assert.Equal(0x41EDu, f.Attr("db").Mode); // 0555 -> 0755
        Assert.Equal(StandardBase.BaseText, f.ReadText("a.txt"));
    }

    [Fact]
    public void WriteIntoBaseFile_ReadsMerged_KeepsInode_CopiesOneBlock()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong inoBefore = f.Attr("big.bin").Ino;
        ulong fh = f.OpenFile("big.bin", 2);
        Assert.True(CowFileSystem.MeasureDeltaBytes(f.DeltaDirectory) < 64 * 1024, "opening O_RDWR copies nothing");
        Assert.Equal(0, f.Fs.Release(R, f.Node("big.bin"), fh, 0));

        f.WriteAt("big.bin", 5000, "XYZ"u8.ToArray());
        byte[] expected = StandardBase.BigContent();
        "XYZ"u8.CopyTo(expected.AsSpan(5000));
        Assert.Equal(expected, f.ReadFile("big.bin"));
        Assert.Equal(inoBefore, f.Attr("big.bin").Ino);
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.BaseDirectory, "big.bin")), StandardBase.BigContent());
    }

    [Fact]
    public void Truncate_And_Chmod_AreRecorded()
    {
        using var f = new CowFixture(StandardBase.Build);
        var set = new FuseSetAttrIn { Valid = (uint)(SetAttrValid.Size | SetAttrValid.Mode), Size = 5, Mode = 0x180 };
        var attr = default(FuseAttrOut);
        Assert.Equal(0, f.Fs.SetAttr(R, f.Node("a.txt"), set, ref attr));
        Assert.Equal(5UL, attr.Attr.Size);
        Assert.Equal(0x8180u, attr.Attr.Mode);
        Assert.Equal("hello", f.ReadText("a.txt"));
        f.Reopen();
        Assert.Equal("hello", f.ReadText("a.txt"));
        Assert.Equal(0x8180u, f.Attr("a.txt").Mode);
    }

    [Fact]
    public void Xattrs_BaseVisible_SetListRemove()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("a.txt");
        byte[] value = new byte[64];
        int n = f.Fs.GetXattr(R, node, "user.origin"u8, value);
        Assert.Equal("base", Encoding.UTF8.GetString(value, 0, n));
        Assert.Equal(0, f.Fs.SetXattr(R, node, "user.mine"u8, "v1"u8, 0));
        Assert.Equal(-Errno.EEXIST, f.Fs.SetXattr(R, node, "user.mine"u8, "v2"u8, 1));
        Assert.Equal(-Errno.ERANGE, f.Fs.GetXattr(R, node, "user.mine"u8, new byte[1]));
        Assert.Equal(2, f.Fs.GetXattr(R, node, "user.mine"u8, []));
        byte[] list = new byte[256];
        n = f.Fs.ListXattr(R, node, list);
        Assert.Equal("user.mine\0user.origin\0", Encoding.UTF8.GetString(list, 0, n));
        Assert.Equal(0, f.Fs.RemoveXattr(R, node, "user.origin"u8));
        Assert.Equal(-Errno.ENODATA, f.Fs.GetXattr(R, node, "user.origin"u8, value));
        f.Reopen();
        node = f.Node("a.txt");
        n = f.Fs.GetXattr(R, node, "user.mine"u8, value);
        Assert.Equal("v1", Encoding.UTF8.GetString(value, 0, n));
        Assert.Equal(-Errno.ENODATA, f.Fs.GetXattr(R, node, "user.origin"u8, value));
        Assert.Equal(StandardBase.BaseText, f.ReadText("a.txt"));
    }

    [Fact]
    public void Symlinks_BaseAndNew()
    {
        using var f = new CowFixture(StandardBase.Build);
        byte[] target = new byte[4096];
        int n = f.Fs.ReadLink(R, f.Node("link"), target);
        Assert.Equal("a.txt", Encoding.UTF8.GetString(target, 0, n));
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Symlink(R, IFuseFileSystem.RootNodeId, "l2"u8, "db/one"u8, ref entry));
        Assert.Equal(0xA000u, entry.Attr.Mode & 0xF000);
        f.Reopen();
        n = f.Fs.ReadLink(R, f.Node("l2"), target);
        Assert.Equal("db/one", Encoding.UTF8.GetString(target, 0, n));
    }

    [Fact]
    public void OpenUnlinkedFile_StaysReadableUntilRelease()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteFile("tmp.dat", new byte[10000]);
        ulong node = f.Node("tmp.dat");
        ulong fh = f.OpenFile("tmp.dat", 2);
        Assert.Equal(4, f.Fs.Write(R, node, fh, 0, "abcd"u8, 0));
        Assert.Equal(0, f.Fs.Unlink(R, IFuseFileSystem.RootNodeId, "tmp.dat"u8));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("tmp.dat", out _));
        byte[] buffer = new byte[4];
        Assert.Equal(4, f.Fs.Read(R, node, fh, 0, buffer));
        Assert.Equal("abcd"u8.ToArray(), buffer);
        var attr = default(FuseAttrOut);
        Assert.Equal(0, f.Fs.GetAttr(R, node, fh, ref attr));
        Assert.Equal(0u, attr.Attr.Nlink);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(f.DeltaDirectory, "data")));
        Assert.Equal(0, f.Fs.Release(R, node, fh, 0));
        Assert.Empty(Directory.GetFiles(Path.Combine(f.DeltaDirectory, "data")));
    }

    [Fact]
    public void Fsync_Fallocate_Seek_StatFs_Answer()
    {
        using var f = new CowFixture(StandardBase.Build);
        (ulong node, ulong fh) = f.CreateFile("sparse");
        Assert.Equal(0, f.Fs.Fallocate(R, node, fh, 0, 0, 8192));
        Assert.Equal(4, f.Fs.Write(R, node, fh, 100_000, "tail"u8, 0));
        Assert.Equal(0, f.Fs.Fsync(R, node, fh, dataOnly: true));
        Assert.Equal(0, f.Fs.Fsync(R, node, fh, dataOnly: false));
        Assert.Equal(0, f.Fs.Lseek(R, node, fh, 10_000, 3, out long data)); // SEEK_DATA
        Assert.True(data >= 10_000 && data <= 100_000);
        Assert.Equal(0, f.Fs.FsyncDir(R, IFuseFileSystem.RootNodeId, 0, false));
        Assert.Equal(0, f.Fs.Release(R, node, fh, 0));
        var statfs = default(FuseKStatfs);
        Assert.Equal(0, f.Fs.StatFs(R, IFuseFileSystem.RootNodeId, ref statfs));
        Assert.True(statfs.Bavail > 0 && statfs.Bsize > 0);
        Assert.Equal(100_004UL, f.Attr("sparse").Size);
    }

    [Fact]
    public void SharedBaseInodes_AreSeparateFilesInTheView()
    {
        // /nix/store optimisation hard-links identical files across store paths: a write must not leak.
        using var f = new CowFixture(root =>
        {
            File.WriteAllText(Path.Combine(root, "x"), "same");
            HardLink(Path.Combine(root, "x"), Path.Combine(root, "y"));
        });
        Assert.NotEqual(f.Attr("x").Ino, f.Attr("y").Ino);
        Assert.Equal(1u, f.Attr("x").Nlink);
        f.WriteAt("x", 0, "diff"u8.ToArray());
        Assert.Equal("diff", f.ReadText("x"));
        Assert.Equal("same", f.ReadText("y"));
        ulong ino = f.Attr("x").Ino;
        f.Reopen();
        Assert.Equal(ino, f.Attr("x").Ino);
        Assert.Equal("diff", f.ReadText("x"));
    }

    [Fact]
    public void WritebackWrite_OnReadOnlyHandle_CopiesOnWrite()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("a.txt");
        ulong fh = f.OpenFile("a.txt", 0);
        Assert.Equal(-Errno.EBADF, f.Fs.Write(R, node, fh, 0, "W"u8, 0));
        Assert.Equal(1, f.Fs.Write(R, node, fh, 0, "W"u8, 1));
        Assert.Equal(0, f.Fs.Release(R, node, fh, 0));
        f.Crash();
        Assert.Equal("Wello base", f.ReadText("a.txt"));
    }

    [Fact]
    public void PreserveOwnership_ShowsBaseAsItIs()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.Fs.Dispose();
        using CowFileSystem fs = CowFileSystem.Open(f.Options with { PreserveOwnership = true });
        var entry = default(FuseEntryOut);
        Assert.Equal(0, fs.Lookup(R, IFuseFileSystem.RootNodeId, "a.txt"u8, ref entry));
        Assert.Equal(0x8124u, entry.Attr.Mode);
        Assert.Equal(0u, entry.Attr.Uid);
    }

    [Fact]
    public void ForgottenFiles_ReleaseTheirData_AndKeepIt()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteAt("big.bin", 0, "Q"u8.ToArray());
        ulong node = f.Node("big.bin");
        f.Fs.Forget(node, 3); // WriteAt, Node and Attr-less lookups so far
        Assert.Equal((byte)'Q', f.ReadFile("big.bin")[0]);
    }

    private static unsafe void HardLink(string existing, string created)
    {
        byte[] from = Encoding.UTF8.GetBytes(existing + "\0");
        byte[] to = Encoding.UTF8.GetBytes(created + "\0");
        fixed (byte* f = from)
        fixed (byte* t = to)
        {
            Assert.Equal(0, Libc.LinkAt(-100, f, -100, t, 0));
        }
    }
}
