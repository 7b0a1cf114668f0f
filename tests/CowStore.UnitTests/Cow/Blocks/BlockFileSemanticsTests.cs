using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>Targeted POSIX behaviours: truncate/extend, fallocate modes, seek over sparse bases, errors, threads.</summary>
public sealed class BlockFileSemanticsTests
{
    private const int B = BlockFile.BlockSize;
    private const int ENXIO = 6, EISDIR = 21, EINVAL = 22, EOPNOTSUPP = 95;

    [Fact]
    public void TruncateThenExtendReadsZerosNotBase()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = Enumerable.Repeat((byte)0x11, 4 * B).ToArray();
        string basePath = dir.CreateBase("base", content);
        using BlockFile file = BlockFile.Create(dir.PathOf("delta"), basePath, content.Length);
        Assert.Equal(0, file.Truncate(B + 10));
        Assert.Equal(0, file.Truncate(4 * B));
        byte[] all = new byte[4 * B];
        Assert.Equal(all.Length, file.Read(0, all));
        Assert.DoesNotContain(all[..(B + 10)], b => b != 0x11);
        Assert.DoesNotContain(all[(B + 10)..], b => b != 0);
        // A write into the cut block merges with zeros, not with the old base tail.
        Assert.Equal(1, file.Write((2 * B) - 1, "z"u8));
        Assert.Equal(all.Length, file.Read(0, all));
        Assert.Equal((byte)'z', all[(2 * B) - 1]);
        Assert.DoesNotContain(all[(B + 10)..((2 * B) - 1)], b => b != 0);
    }

    [Fact]
    public void UnsupportedFallocateModesAndBadArguments()
    {
        using var dir = new BlockTestDirectory();
        using BlockFile file = BlockFile.Create(dir.PathOf("delta"), null, 0);
        Assert.Equal(-EOPNOTSUPP, file.Fallocate(2, 0, B)); // PUNCH_HOLE needs KEEP_SIZE
        Assert.Equal(-EOPNOTSUPP, file.Fallocate(0x08, 0, B)); // COLLAPSE_RANGE
        Assert.Equal(-EOPNOTSUPP, file.Fallocate(0x20, 0, B)); // INSERT_RANGE
        Assert.Equal(-EINVAL, file.Fallocate(0, 0, 0));
        Assert.Equal(-EINVAL, file.Write(-1, "x"u8));
        Assert.Equal(-EINVAL, file.Truncate(-1));
        Assert.Equal(-EINVAL, file.Seek(0, 0, out _));
        Assert.False(file.IsModified);
    }

    [Fact]
    public void SeekDataAndHoleFollowSparseBaseAndDelta()
    {
        using var dir = new BlockTestDirectory();
        string basePath = dir.PathOf("base");
        using (var stream = new FileStream(basePath, FileMode.CreateNew))
        {
            stream.SetLength(1024 * 1024);
            stream.Write(Enumerable.Repeat((byte)1, 64 * 1024).ToArray());
            stream.Position = 512 * 1024;
            stream.Write(Enumerable.Repeat((byte)2, 64 * 1024).ToArray());
        }
        using BlockFile file = BlockFile.Create(dir.PathOf("delta"), basePath, 1024 * 1024);
        Assert.Equal(0, file.Seek(100 * 1024, 3, out long data));
        Assert.Equal(512 * 1024, data);
        Assert.Equal(0, file.Seek(0, 4, out long hole));
        Assert.Equal(64 * 1024, hole);

        Assert.Equal(64 * 1024, file.Write(0, new byte[64 * 1024])); // zeros over base data become holes
        Assert.Equal(0, file.Seek(0, 3, out data));
        Assert.Equal(512 * 1024, data);
        Assert.Equal(0, file.Seek(512 * 1024, 4, out hole));
        Assert.Equal(576 * 1024, hole);

        Assert.Equal(3, file.Write(800 * 1024, "abc"u8));
        Assert.Equal(0, file.Seek(600 * 1024, 3, out data));
        Assert.Equal(800 * 1024, data);
        Assert.Equal(0, file.Seek(800 * 1024, 4, out hole));
        Assert.InRange(hole, (800 * 1024) + 3, (800 * 1024) + B);
        Assert.Equal(-ENXIO, file.Seek(1024 * 1024, 3, out _));
        Assert.Equal(0, file.Seek((1024 * 1024) - 1, 4, out hole));
        Assert.Equal((1024 * 1024) - 1, hole);
    }

    [Fact]
    public void BaseReadErrorsAreReportedNotZeros()
    {
        using var dir = new BlockTestDirectory();
        string notAFile = dir.PathOf("base-dir");
        Directory.CreateDirectory(notAFile); // pread on a directory fails with EISDIR, like a failing disk with EIO
        using BlockFile file = BlockFile.Create(dir.PathOf("delta"), notAFile, 8 * B);
        byte[] buffer = new byte[B];
        Assert.Equal(-EISDIR, file.Read(0, buffer));
        Assert.Equal(-EISDIR, file.Write(10, "x"u8)); // a partial write needs the base block
        Assert.Equal(B, file.Write(B, new byte[B])); // a full block does not
        Assert.Equal(B, file.Read(B, buffer));
    }

    [Fact]
    public void MissingBaseThrowsIOExceptionCarryingErrno()
    {
        using var dir = new BlockTestDirectory();
        var error = Assert.Throws<IOException>(() => BlockFile.Create(dir.PathOf("delta"), dir.PathOf("missing"), 10));
        Assert.Equal(2, error.HResult); // ENOENT, positive like .NET's own Unix IOExceptions
    }

    [Fact]
    public void ConcurrentWritesToSharedBlocksAllLand()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = BlockFileModelTests.RandomContent(new Random(11), 64 * B);
        string basePath = dir.CreateBase("base", content);
        using BlockFile file = BlockFile.Create(dir.PathOf("delta"), basePath, content.Length);
        const int threads = 8;
        // Thread t owns bytes i with i % threads == t, in 16-byte slices: every block is shared by all threads,
        // so first writes to base blocks race with each other and with in-place writes and readers.
        byte[] expected = (byte[])content.Clone();
        Parallel.For(0, threads + 2, new ParallelOptions { MaxDegreeOfParallelism = threads + 2 }, t =>
        {
            byte[] buffer = new byte[3 * B];
            if (t >= threads)
            {
                for (int i = 0; i < 2000; i++)
                {
                    Assert.True(file.Read(i * 37 % (60 * B), buffer) > 0);
                }
                return;
            }
            byte[] slice = Enumerable.Repeat((byte)(0x80 + t), 16).ToArray();
            for (long at = t * 16; at + 16 <= content.Length; at += threads * 16)
            {
                Assert.Equal(16, file.Write(at, slice));
            }
            Assert.Equal(16, file.Write(content.Length + (t * 16), slice)); // concurrent growth too
        });
        for (int t = 0; t < threads; t++)
        {
            for (long at = t * 16; at + 16 <= content.Length; at += threads * 16)
            {
                Array.Fill(expected, (byte)(0x80 + t), (int)at, 16);
            }
        }
        var reference = new BlockFileReference(expected);
        for (int t = 0; t < threads; t++)
        {
            reference.Write(content.Length + (t * 16), Enumerable.Repeat((byte)(0x80 + t), 16).ToArray());
        }
        reference.AssertMatches(file, "after concurrent writes");
    }

    [Fact]
    public void CopyRangeFromCopiesContentAndRejectsOverlap()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = BlockFileModelTests.RandomContent(new Random(31), (40 * B) + 123);
        string basePath = dir.CreateBase("base", content);
        using BlockFile source = BlockFile.Create(dir.PathOf("source"), basePath, content.Length);
        using BlockFile target = BlockFile.Create(dir.PathOf("target"), null, 0);
        Assert.Equal(content.Length - 10, target.CopyRangeFrom(source, 10, 5, 1L << 40)); // short at the source's EOF
        var reference = new BlockFileReference([]);
        reference.Write(5, content.AsSpan(10));
        reference.AssertMatches(target, "after copy");
        Assert.Equal(-EINVAL, target.CopyRangeFrom(target, 0, B, 2 * B));
        Assert.Equal(3 * B, target.CopyRangeFrom(target, 0, 20 * B, 3 * B));
        byte[] head = new byte[3 * B];
        Assert.Equal(head.Length, target.Read(0, head));
        reference.Write(20 * B, head);
        reference.AssertMatches(target, "after copy within the file");
    }
}
