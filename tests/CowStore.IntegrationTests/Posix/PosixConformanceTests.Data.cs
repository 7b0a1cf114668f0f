using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>File data: offsets, block boundaries, holes past EOF, O_APPEND, truncate, O_TRUNC/O_EXCL.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void WritesAtUnalignedOffsetsAcrossBlockBoundariesReadBackExactly()
    {
        string path = Path.Combine(Dir(), "f");
        var model = new List<byte>();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR | O_CREAT | O_EXCL))
        {
            (long Offset, int Length)[] writes =
            [
                (0, 1), (1, 3), (4095, 2), (4096, 4097), (65535, 2), (65536 + 17, 70000), (8191, 8194),
                (200_000, 1), (131071, 65538), (3, 5),
            ];
            int seed = 1;
            foreach ((long offset, int length) in writes)
            {
                byte[] data = Pattern(length, seed++);
                fd.PWrite(offset, data);
                while (model.Count < offset + length)
                {
                    model.Add(0);
                }
                for (int i = 0; i < length; i++)
                {
                    model[(int)offset + i] = data[i];
                }
                // Read back through the same fd straight away: catches a stale read cache.
                AssertBytes(data, fd.PRead(offset, length), $"read-back of write at {offset}+{length}");
            }
            Assert.Equal(model.Count, fd.Stat().Size);
        }
        AssertContent(model.ToArray(), path);
    }

    [Fact]
    public void OverwritingAnExistingFileChangesOnlyTheWrittenBytes()
    {
        string path = SeedFile();
        byte[] expected = SeedLayout.FileContent.ToArray();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            foreach ((int offset, int length) in new[] { (4090, 20), (65530, 20), (1, 1), (131072 + 1000, 500) })
            {
                byte[] data = Pattern(length, offset);
                fd.PWrite(offset, data);
                if (offset + length > expected.Length)
                {
                    Array.Resize(ref expected, offset + length);
                }
                data.CopyTo(expected, offset);
            }
        }
        AssertContent(expected, path);
    }

    [Fact]
    public void WriteBeyondEndOfFileLeavesAZeroFilledHole()
    {
        string path = SeedFile();
        long far = 1024 * 1024 + 3;
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            fd.PWrite(far, "tail"u8);
            Assert.Equal(far + 4, fd.Stat().Size);
        }
        byte[] all = File.ReadAllBytes(path);
        AssertBytes(SeedLayout.FileContent, all.AsSpan(0, SeedLayout.FileLength), "data before the hole");
        Assert.True(all.AsSpan(SeedLayout.FileLength, (int)far - SeedLayout.FileLength).IndexOfAnyExcept((byte)0) < 0,
            "the hole past the old end of file must read as zeros");
        AssertBytes("tail"u8, all.AsSpan((int)far), "data after the hole");
    }

    [Fact]
    public void AppendModeWritesAtTheEndWhateverTheOffset()
    {
        string path = SeedFile();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_WRONLY | O_APPEND))
        {
            Assert.Equal(0, fd.Seek(0, SEEK_SET));
            fd.Write("first"u8);
            fd.Seek(10, SEEK_SET);
            fd.Write("second"u8);
            Assert.Equal(SeedLayout.FileLength + 11, fd.Seek(0, SEEK_CUR));
        }
        AssertContent([.. SeedLayout.FileContent, .. "firstsecond"u8], path);
    }

    [Fact]
    public void TruncateThenExtendReadsZerosNotOldData()
    {
        string path = SeedFile();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            fd.Truncate(5000);
            Assert.Equal(5000, fd.Stat().Size);
            AssertBytes(SeedLayout.FileContent.AsSpan(0, 5000), fd.PRead(0, 10_000), "after shrinking to 5000");
            fd.Truncate(70_000);
            Assert.Equal(70_000, fd.Stat().Size);
        }
        byte[] all = File.ReadAllBytes(path);
        Assert.Equal(70_000, all.Length);
        AssertBytes(SeedLayout.FileContent.AsSpan(0, 5000), all.AsSpan(0, 5000), "kept prefix");
        int nonZero = all.AsSpan(5000).IndexOfAnyExcept((byte)0);
        Assert.True(nonZero < 0, $"extended range must read zeros, found old data at {5000 + nonZero}");

        // truncate(2) by path, growing from 70000 to a size not on any block boundary.
        Sys.Check(Infrastructure.Interop.Libc.Truncate(path, 200_001), $"truncate {path}");
        Assert.Equal(200_001, Sys.Stat(path).Size);
        Assert.True(File.ReadAllBytes(path).AsSpan(5000).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void OpenWithTruncEmptiesAndWithExclRefusesExistingFiles()
    {
        string path = SeedFile();
        Assert.Equal(Errno.EEXIST, FileDescriptor.TryOpen(path, O_RDWR | O_CREAT | O_EXCL, out _));
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR | O_TRUNC))
        {
            Assert.Equal(0, fd.Stat().Size);
            Assert.Empty(fd.PRead(0, 100));
        }
        Assert.Equal(0, Sys.Stat(path).Size);

        string fresh = Path.Combine(Dir(), "fresh");
        using (FileDescriptor fd = FileDescriptor.Open(fresh, O_RDWR | O_CREAT | O_EXCL, 0x180))
        {
            Assert.Equal(0x180u, fd.Stat().Permissions);
        }
        Assert.Equal(Errno.ENOENT, FileDescriptor.TryOpen(Path.Combine(Dir(), "missing"), O_RDONLY, out _));
    }
}
