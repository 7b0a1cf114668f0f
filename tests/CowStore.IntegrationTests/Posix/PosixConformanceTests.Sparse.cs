using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>Sparse files, SEEK_DATA/SEEK_HOLE and fallocate modes.</summary>
public abstract partial class PosixConformanceTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void SeekDataAndSeekHoleFindTheWrittenRanges()
    {
        string path = Path.Combine(Dir(), "sparse");
        using FileDescriptor fd = FileDescriptor.Open(path, O_RDWR | O_CREAT | O_EXCL);
        fd.PWrite(0, Pattern(4096, 1));
        fd.PWrite(MiB, Pattern(4096, 2));
        Assert.Equal(MiB + 4096, fd.Stat().Size);
        Assert.Equal(Errno.OK, fd.TryFSync());

        Assert.Equal(Errno.OK, fd.TrySeek(0, SEEK_DATA, out long data0));
        Assert.Equal(0, data0);
        Assert.Equal(Errno.OK, fd.TrySeek(0, SEEK_HOLE, out long hole0));
        Assert.InRange(hole0, 4096, 65536); // a hole starts right after the first block (block size ≤ 64 KiB)
        Assert.Equal(Errno.OK, fd.TrySeek(MiB / 2, SEEK_DATA, out long dataMid));
        Assert.Equal(MiB, dataMid);
        Assert.Equal(Errno.OK, fd.TrySeek(MiB, SEEK_HOLE, out long holeEnd));
        Assert.Equal(MiB + 4096, holeEnd); // the implicit hole at end of file
        Assert.Equal(Errno.ENXIO, fd.TrySeek(MiB + 4096, SEEK_DATA, out _));
        Assert.Equal(Errno.ENXIO, fd.TrySeek(MiB + 4096, SEEK_HOLE, out _));

        // The same answers from another process.
        Assert.Equal(MiB.ToString(), Probe.Run("seek", path, "data", (MiB / 2).ToString()).ShouldSucceed().Value);
        Probe.Run("seek", path, "data", (MiB + 5000).ToString()).ShouldFailWith("ENXIO");

        byte[] all = File.ReadAllBytes(path);
        Assert.True(all.AsSpan(4096, MiB - 4096).IndexOfAnyExcept((byte)0) < 0, "hole reads zeros");
    }

    [Fact]
    public void FallocateModesBehaveAsOnLinux()
    {
        string path = SeedFile();
        byte[] expected = SeedLayout.FileContent.ToArray();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            // Mode 0 past EOF extends the file with zeros (what posix_fallocate does for Neo4j's logs).
            Assert.Equal(Errno.OK, fd.TryAllocate(0, 0, 300_000));
            Assert.Equal(300_000, fd.Stat().Size);
            Array.Resize(ref expected, 300_000);

            // KEEP_SIZE reserves space without changing the size.
            Assert.Equal(Errno.OK, fd.TryAllocate(FALLOC_FL_KEEP_SIZE, 250_000, 200_000));
            Assert.Equal(300_000, fd.Stat().Size);

            // PUNCH_HOLE (must come with KEEP_SIZE) zeros an unaligned range, keeping the size.
            Assert.Equal(Errno.OK, fd.TryAllocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1000, 70_000));
            Array.Clear(expected, 1000, 70_000);
            Assert.Equal(300_000, fd.Stat().Size);

            // ZERO_RANGE zeros and may extend.
            Assert.Equal(Errno.OK, fd.TryAllocate(FALLOC_FL_ZERO_RANGE, 100_000, 10_001));
            Array.Clear(expected, 100_000, 10_001);
            Assert.Equal(Errno.OK, fd.TryAllocate(FALLOC_FL_ZERO_RANGE, 299_000, 2000));
            Array.Resize(ref expected, 301_000);
            Assert.Equal(301_000, fd.Stat().Size);

            // PUNCH_HOLE without KEEP_SIZE is refused by the VFS itself.
            Assert.Equal(Errno.ENOTSUP, fd.TryAllocate(FALLOC_FL_PUNCH_HOLE, 0, 4096));
        }
        AssertContent(expected, path);

        // The probe's fallocate (another process) punches a block-aligned hole that SEEK_HOLE finds.
        Probe.Run("fallocate", path, "punch-hole,keep-size", "131072", "65536").ShouldSucceed();
        Array.Clear(expected, 131072, 65536);
        AssertContent(expected, path);
    }
}
