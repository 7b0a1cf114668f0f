using CowStore.Core.Cow;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Cow;

public sealed class CowPersistenceTests
{
    private static readonly FuseRequest R = CowFixture.Request;
    private const ulong Root = IFuseFileSystem.RootNodeId;

    private static Dictionary<string, (ulong Ino, ulong Size)> Tree(CowFixture f, string path = "")
    {
        var tree = new Dictionary<string, (ulong, ulong)>();
        foreach (string name in f.List(path).Skip(2))
        {
            string child = path.Length == 0 ? name : path + "/" + name;
            FuseAttr attr = f.Attr(child);
            tree[child] = (attr.Ino, attr.Size);
            if ((attr.Mode & 0xF000) == 0x4000)
            {
                foreach (var pair in Tree(f, child))
                {
                    tree[pair.Key] = pair.Value;
                }
            }
        }
        return tree;
    }

    private static void MakeChanges(CowFixture f)
    {
        f.WriteFile("created", "new data"u8.ToArray());
        var entry = default(FuseEntryOut);
        Assert.Equal(0, f.Fs.Mkdir(R, Root, "newdir"u8, 0x1ED, 0, ref entry));
        f.WriteFile("newdir/inner", new byte[9000]);
        f.WriteAt("big.bin", 4096, "patched"u8.ToArray());
        Assert.Equal(0, f.Fs.Rename(R, Root, "db"u8, Root, "db2"u8, 0));
        Assert.Equal(0, f.Fs.Unlink(R, Root, "a.txt"u8));
    }

    [Fact]
    public void DisposeAndReopen_ShowsSameTree_SameInodes()
    {
        using var f = new CowFixture(StandardBase.Build);
        MakeChanges(f);
        var before = Tree(f);
        f.Reopen();
        Assert.Equal(before, Tree(f));
        Assert.Equal("new data", f.ReadText("created"));
        Assert.Equal("patched"u8.ToArray(), f.ReadFile("big.bin").AsSpan(4096, 7).ToArray());
        // Inode numbers for new objects keep counting after a remount.
        f.WriteFile("after", "x"u8.ToArray());
        Assert.DoesNotContain(f.Attr("after").Ino, before.Values.Select(v => v.Ino));
    }

    [Fact]
    public void KillWithoutDispose_KeepsEverythingAcknowledged()
    {
        using var f = new CowFixture(StandardBase.Build);
        MakeChanges(f);
        var before = Tree(f);
        f.Crash();
        Assert.Equal(before, Tree(f));
        Assert.Equal("new data", f.ReadText("created"));
        Assert.Equal("patched"u8.ToArray(), f.ReadFile("big.bin").AsSpan(4096, 7).ToArray());
    }

    [Fact]
    public void CreatedThenFsyncedFile_SurvivesCrash()
    {
        using var f = new CowFixture(StandardBase.Build);
        (ulong node, ulong fh) = f.CreateFile("db/wal");
        Assert.Equal(5, f.Fs.Write(R, node, fh, 0, "entry"u8, 0));
        Assert.Equal(0, f.Fs.Fsync(R, node, fh, dataOnly: true));
        f.Crash();
        Assert.Equal("entry", f.ReadText("db/wal"));
    }

    [Fact]
    public void JournalTornTail_IsTolerated()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.WriteFile("first", "1"u8.ToArray());
        f.Reopen(); // checkpointed or not, "first" is in the journal
        f.WriteFile("second", "2"u8.ToArray());
        f.Fs.Dispose();
        string journal = Path.Combine(f.DeltaDirectory, "journal");
        long length = new FileInfo(journal).Length;
        // Cut the last frame in half (the release's times) and append garbage, as a crash might leave it.
        using (var stream = new FileStream(journal, FileMode.Open))
        {
            stream.SetLength(length - 3);
            stream.Seek(0, SeekOrigin.End);
            stream.Write([0x10, 0, 0, 0, 1, 2, 3]);
        }
        f.Reopen();
        Assert.Equal("1", f.ReadText("first"));
        Assert.Equal("2", f.ReadText("second"));
        f.WriteFile("third", "3"u8.ToArray());
        f.Reopen();
        Assert.Equal("3", f.ReadText("third"));
    }

    [Fact]
    public void SecondOpen_OfLockedSession_Throws()
    {
        using var f = new CowFixture(StandardBase.Build);
        Assert.Throws<CowSessionLockedException>(() => CowFileSystem.Open(f.Options));
        Assert.Equal(StandardBase.BaseText, f.ReadText("a.txt"));
    }

    [Fact]
    public void UnknownVersion_And_MissingBase_AreReported()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.Fs.Dispose();
        string journal = Path.Combine(f.DeltaDirectory, "journal");
        byte[] bytes = File.ReadAllBytes(journal);
        bytes[8] = 99;
        File.WriteAllBytes(journal, bytes);
        Assert.Throws<InvalidDataException>(() => CowFileSystem.Open(f.Options));
        Assert.Throws<DirectoryNotFoundException>(() => CowFileSystem.Open(f.Options with { BaseDirectory = Path.Combine(f.Root, "missing") }));
        bytes[8] = 1;
        File.WriteAllBytes(journal, bytes);
        f.Reopen();
    }

    [Fact]
    public void DisposeWithOpenWrittenHandle_IsDurableClose()
    {
        using var f = new CowFixture(StandardBase.Build);
        ulong node = f.Node("a.txt");
        ulong fh = f.OpenFile("a.txt", 2);
        Assert.Equal(1, f.Fs.Write(R, node, fh, 0, "C"u8, 0));
        FuseAttr before = f.Attr("a.txt");
        Assert.True(before.Mtime > 1);
        f.Reopen(); // handle still open: Dispose must journal the write's times and sync the data
        Assert.Equal("Cello base", f.ReadText("a.txt"));
        Assert.Equal(before.Mtime, f.Attr("a.txt").Mtime);
    }

    [Fact]
    public void RuntimeCheckpoint_CompactsJournal_AndLosesNothing()
    {
        using var f = new CowFixture(StandardBase.Build);
        f.Fs.RuntimeCheckpointThreshold = 4096;
        for (int i = 0; i < 60; i++)
        {
            f.WriteFile($"db/f{i}", [(byte)i]);
            if (i % 2 == 0)
            {
                Assert.Equal(0, f.Fs.Unlink(R, f.Node("db"), System.Text.Encoding.UTF8.GetBytes($"f{i}")));
            }
        }
        Assert.True(f.Fs.JournalLength < 16384, $"journal was compacted (length {f.Fs.JournalLength})");
        var before = Tree(f);
        f.Crash();
        Assert.Equal(before, Tree(f));
        Assert.Equal([59], f.ReadFile("db/f59"));
        Assert.Equal(-Errno.ENOENT, f.TryLookup("db/f58", out _));
    }
}
