using System.Diagnostics;
using CowStore.IntegrationTests.CopyOnWrite;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore commit</c> end to end: cost, content, identity, live and detached sessions.</summary>
public sealed class CommitTests
{
    [Fact]
    public void SameContentByDifferentWriteOrders_CommitsToTheSameId()
    {
        using var sandbox = new SessionSandbox();
        byte[] original = new byte[64 * 1024];
        new Random(1).NextBytes(original);
        File.WriteAllBytes(Path.Combine(sandbox.Base, "data.bin"), original);
        Directory.CreateDirectory(Path.Combine(sandbox.Base, "dir"));
        File.WriteAllText(Path.Combine(sandbox.Base, "dir", "keep.txt"), "keep");
        File.WriteAllText(Path.Combine(sandbox.Base, "dir", "drop.txt"), "drop");
        sandbox.SealBase();
        byte[] a = Enumerable.Repeat((byte)'a', 8192).ToArray();
        byte[] b = Enumerable.Repeat((byte)'b', 8192).ToArray();

        string first = sandbox.NewMountpoint("first");
        sandbox.CowstoreOk("mount", sandbox.Base, first);
        SnapshotSandbox.WriteAt(Path.Combine(first, "data.bin"), 0, a);
        SnapshotSandbox.WriteAt(Path.Combine(first, "data.bin"), 16384, b);
        SnapshotSandbox.WriteAt(Path.Combine(first, "data.bin"), 40960, b);          // written, then put back
        SnapshotSandbox.WriteAt(Path.Combine(first, "data.bin"), 40960, original.AsSpan(40960, 8192));
        File.WriteAllText(Path.Combine(first, "scratch.tmp"), "gone again");
        File.Delete(Path.Combine(first, "scratch.tmp"));
        File.Delete(Path.Combine(first, "dir", "drop.txt"));
        File.WriteAllText(Path.Combine(first, "new.txt"), "new file");

        Thread.Sleep(1100); // other times: times are not content
        string second = sandbox.NewMountpoint("second");
        sandbox.CowstoreOk("mount", sandbox.Base, second);
        File.WriteAllText(Path.Combine(second, "new.txt"), "new file");
        File.Delete(Path.Combine(second, "dir", "drop.txt"));
        SnapshotSandbox.WriteAt(Path.Combine(second, "data.bin"), 16384, b);
        SnapshotSandbox.WriteAt(Path.Combine(second, "data.bin"), 0, b);
        SnapshotSandbox.WriteAt(Path.Combine(second, "data.bin"), 0, a);
        Directory.CreateDirectory(Path.Combine(second, "empty"));
        Directory.Delete(Path.Combine(second, "empty"));

        string firstId = sandbox.Commit(first);
        string secondId = sandbox.Commit(second);
        Assert.Equal(firstId, secondId);

        File.WriteAllText(Path.Combine(second, "new.txt"), "other content");
        string thirdId = sandbox.Commit(second);
        Assert.NotEqual(firstId, thirdId);
        Assert.Equal(firstId, sandbox.ParentOf(thirdId));
    }

    [Fact]
    public void SnapshotMountedElsewhere_ShowsExactlyTheCommittedContent_AndDiscardReturnsToIt()
    {
        using var sandbox = new SessionSandbox();
        Directory.CreateDirectory(Path.Combine(sandbox.Base, "a", "b"));
        File.WriteAllText(Path.Combine(sandbox.Base, "a", "b", "deep.txt"), "deep");
        File.WriteAllText(Path.Combine(sandbox.Base, "a", "moved.txt"), "moved");
        File.WriteAllText(Path.Combine(sandbox.Base, "removed.txt"), "removed");
        File.CreateSymbolicLink(Path.Combine(sandbox.Base, "link"), "a/moved.txt");
        byte[] big = new byte[3 * 1024 * 1024 + 123];
        new Random(2).NextBytes(big);
        File.WriteAllBytes(Path.Combine(sandbox.Base, "big.bin"), big);
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        Directory.Move(Path.Combine(mnt, "a"), Path.Combine(mnt, "renamed"));
        File.Move(Path.Combine(mnt, "renamed", "moved.txt"), Path.Combine(mnt, "moved-out.txt"));
        File.Delete(Path.Combine(mnt, "removed.txt"));
        Directory.CreateDirectory(Path.Combine(mnt, "fresh", "nested"));
        File.WriteAllText(Path.Combine(mnt, "fresh", "nested", "f.txt"), "fresh");
        File.CreateSymbolicLink(Path.Combine(mnt, "fresh", "l"), "../moved-out.txt");
        SnapshotSandbox.WriteAt(Path.Combine(mnt, "big.bin"), 1_000_000, new byte[5000]);
        using (var grow = new FileStream(Path.Combine(mnt, "big.bin"), FileMode.Open, FileAccess.Write))
        {
            grow.SetLength(big.Length + 70_000);
        }
        using (var shrink = new FileStream(Path.Combine(mnt, "renamed", "b", "deep.txt"), FileMode.Open, FileAccess.Write))
        {
            shrink.SetLength(2);
        }
        File.SetUnixFileMode(Path.Combine(mnt, "renamed", "b", "deep.txt"), UnixFileMode.UserRead);
        string id = sandbox.Commit(mnt, "-m", "first commit");

        string other = sandbox.NewMountpoint("other");
        sandbox.CowstoreOk("mount", id[..10], other);
        int files = SnapshotTrees.AssertSameContent(mnt, other);
        Assert.True(files >= 4);
        Assert.Equal("de", File.ReadAllText(Path.Combine(other, "renamed", "b", "deep.txt")));

        // Changes after the commit are dropped by discard; the view returns to the commit, not to the base.
        File.WriteAllText(Path.Combine(mnt, "after-commit.txt"), "dropped");
        sandbox.CowstoreOk("discard", "--yes", session);
        Assert.False(File.Exists(Path.Combine(mnt, "after-commit.txt")));
        SnapshotTrees.AssertSameContent(other, mnt);
    }

    [Fact]
    public void DiscardOfAnUncommittedSession_ReturnsToTheBase()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "x.txt"), "base");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        sandbox.CowstoreOk("mount", sandbox.Base, mnt);
        File.WriteAllText(Path.Combine(mnt, "x.txt"), "changed");
        sandbox.CowstoreOk("discard", "--yes", mnt);
        SnapshotTrees.AssertSameContent(sandbox.Base, mnt, compareModes: false);
    }

    [Fact]
    public void LiveCommits_ChainOnEachOther_AndTheMountKeepsRunning()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "log.txt"), "start\n");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        using var open = new FileStream(Path.Combine(mnt, "log.txt"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            open.Write(System.Text.Encoding.UTF8.GetBytes($"line {i}\n"));
            open.Flush(flushToDisk: true);
            ids.Add(sandbox.Commit(mnt));
            Assert.True(MountInfo.IsMounted(mnt));
        }
        Assert.Null(sandbox.ParentOf(ids[0]));
        Assert.Equal(ids[0], sandbox.ParentOf(ids[1]));
        Assert.Equal(ids[1], sandbox.ParentOf(ids[2]));
        open.Write("after\n"u8);
        open.Flush(flushToDisk: true);
        open.Dispose();

        string other = sandbox.NewMountpoint("other");
        sandbox.CowstoreOk("mount", ids[1], other);
        Assert.Equal("start\nline 0\nline 1\n", File.ReadAllText(Path.Combine(other, "log.txt")));
        Assert.Equal("start\nline 0\nline 1\nline 2\nafter\n", File.ReadAllText(Path.Combine(mnt, "log.txt")));

        // A detached session commits as it rests, on top of its last commit.
        sandbox.CowstoreOk("umount", session);
        string detached = sandbox.Commit(session);
        Assert.Equal(ids[2], sandbox.ParentOf(detached));
    }

    [Fact]
    public void SessionOverASnapshot_CommitsOnTopOfIt()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "a.txt"), "a0");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", "--ephemeral", sandbox.Base, mnt).LastLine;
        string parent = "";
        for (int depth = 1; depth <= 5; depth++)
        {
            File.WriteAllText(Path.Combine(mnt, "a.txt"), $"a{depth}");
            File.WriteAllText(Path.Combine(mnt, $"layer{depth}.txt"), $"{depth}");
            string id = sandbox.Commit(mnt, "--umount");
            Assert.False(MountInfo.IsMounted(mnt));
            if (parent.Length > 0)
            {
                Assert.Equal(parent, sandbox.ParentOf(id));
            }
            parent = id;
            session = sandbox.CowstoreOk("mount", "--ephemeral", id, mnt).LastLine;
        }
        Assert.Equal("a5", File.ReadAllText(Path.Combine(mnt, "a.txt")));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{i}"), Enumerable.Range(1, 5).Select(i => File.ReadAllText(Path.Combine(mnt, $"layer{i}.txt"))));
        sandbox.CowstoreOk("umount", session);
    }
}

/// <summary>The commit acceptance figures, timed alone.</summary>
[Collection(ExclusiveCollection.Name)]
public sealed class CommitCostTests(ITestOutputHelper log)
{
    private const int WriteSize = 8192;

    [Fact]
    public void TenMiBOfRandom8KWritesOverA1GiBFile_CommitsUnderOneSecond_StoreGrowsAtMost12MiB()
    {
        using var sandbox = new SessionSandbox();
        LargeFile.Write(Path.Combine(sandbox.Base, "big.db"), 1L << 30);
        File.WriteAllText(Path.Combine(sandbox.Base, "small.txt"), "small");
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        sandbox.CowstoreOk("mount", sandbox.Base, mnt);

        // The reference: the same writes applied to the expected bytes, kept per written page.
        var random = new Random(7);
        var expectedPages = new Dictionary<long, byte[]>();
        using (var file = new FileStream(Path.Combine(mnt, "big.db"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0))
        {
            for (int i = 0; i < (10 << 20) / WriteSize; i++)
            {
                long pageNumber = random.NextInt64((1L << 30) / WriteSize);
                byte[] data = new byte[WriteSize];
                random.NextBytes(data);
                file.Position = pageNumber * WriteSize;
                file.Write(data);
                expectedPages[pageNumber] = data;
            }
            file.Flush(flushToDisk: true);
        }
        long storeBefore = Directory.Exists(sandbox.StoreDirectory()) ? LargeFile.AllocatedBytes(sandbox.StoreDirectory()) : 0;

        var clock = Stopwatch.StartNew();
        string id = sandbox.Commit(mnt);
        clock.Stop();
        long storeGrowth = LargeFile.AllocatedBytes(sandbox.StoreDirectory()) - storeBefore;
        log.WriteLine($"commit of {expectedPages.Count} written pages: {clock.ElapsedMilliseconds} ms, store +{storeGrowth / 1024} KiB");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"commit took {clock.ElapsedMilliseconds} ms");
        Assert.True(storeGrowth <= 12L << 20, $"store grew by {storeGrowth} bytes");

        string other = sandbox.NewMountpoint("other");
        sandbox.CowstoreOk("mount", id, other);
        byte[] page = new byte[WriteSize];
        byte[] baseBytes = new byte[WriteSize];
        using var snapshot = new FileStream(Path.Combine(other, "big.db"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        using var original = new FileStream(Path.Combine(sandbox.Base, "big.db"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        Assert.Equal(1L << 30, snapshot.Length);
        for (long p = 0; p < (1L << 30) / WriteSize; p++)
        {
            snapshot.ReadExactly(page);
            if (expectedPages.TryGetValue(p, out byte[]? written))
            {
                original.Position += WriteSize;
                Assert.True(written.AsSpan().SequenceEqual(page), $"page {p} of the snapshot differs from what was written");
            }
            else
            {
                original.ReadExactly(baseBytes);
                Assert.True(baseBytes.AsSpan().SequenceEqual(page), $"page {p} of the snapshot differs from the base");
            }
        }
        Assert.Equal("small", File.ReadAllText(Path.Combine(other, "small.txt")));
    }
}
