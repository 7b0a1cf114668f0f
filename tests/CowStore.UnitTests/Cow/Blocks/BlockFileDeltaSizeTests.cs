using System.Diagnostics;
using System.Security.Cryptography;
using CowStore.Core.Cow.Blocks;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>The copy-on-write contract in bytes: what a write, a zero write or a fallocate costs in the delta.</summary>
public sealed class BlockFileDeltaSizeTests(ITestOutputHelper output)
{
    private const int B = BlockFile.BlockSize;
    private const long MiB = 1024 * 1024;

    private static long DataAllocated(string prefix) => BlockTestDirectory.DataAllocated(prefix);

    private static string CreateSparseBase(BlockTestDirectory dir, long size, int seed)
    {
        // Random data in a few places, holes elsewhere: realistic for a database file and quick to create.
        string path = dir.PathOf("base");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(size);
            var random = new Random(seed);
            byte[] chunk = new byte[MiB];
            for (long at = 0; at < size; at += size / 8)
            {
                random.NextBytes(chunk);
                stream.Position = at;
                stream.Write(chunk, 0, (int)Math.Min(chunk.Length, size - at));
            }
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return path;
    }

    private static byte[] Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }

    [Fact]
    public void OneAlignedWriteIntoLargeBaseCopiesNothingAndLeavesBaseUntouched()
    {
        using var dir = new BlockTestDirectory();
        string basePath = CreateSparseBase(dir, 64 * MiB, 1);
        byte[] baseHash = Hash(basePath);
        string prefix = dir.PathOf("delta");
        byte[] page = Enumerable.Range(0, 2 * B).Select(i => (byte)(i * 7)).ToArray();
        using (BlockFile file = BlockFile.Create(prefix, basePath, 64 * MiB))
        {
            Assert.Equal(page.Length, file.Write(32 * MiB, page));
            Assert.Equal(0, file.Sync(false));
            Assert.True(file.DeltaBytes <= 64 * 1024, $"delta {file.DeltaBytes} bytes");
            Assert.Equal(2 * B, DataAllocated(prefix));
        }
        Assert.Equal(baseHash, Hash(basePath));
    }

    [Fact]
    public void UnalignedWriteCopiesOnlyTheTwoBoundaryBlocks()
    {
        using var dir = new BlockTestDirectory();
        string basePath = CreateSparseBase(dir, 64 * MiB, 2);
        string prefix = dir.PathOf("delta");
        using BlockFile file = BlockFile.Create(prefix, basePath, 64 * MiB);
        byte[] expected = new byte[3 * B];
        Assert.Equal(expected.Length, file.Read(8 * MiB, expected));
        byte[] page = Enumerable.Repeat((byte)0x42, 2 * B).ToArray();
        Assert.Equal(page.Length, file.Write((8 * MiB) + 100, page));
        page.CopyTo(expected, 100);
        byte[] actual = new byte[3 * B];
        Assert.Equal(actual.Length, file.Read(8 * MiB, actual));
        Assert.Equal(expected, actual);
        Assert.Equal(3 * B, DataAllocated(prefix));
    }

    [Fact]
    public void AllZeroWriteCostsNoDataSpace()
    {
        using var dir = new BlockTestDirectory();
        string basePath = CreateSparseBase(dir, 64 * MiB, 3);
        string prefix = dir.PathOf("delta");
        using BlockFile file = BlockFile.Create(prefix, basePath, 64 * MiB);
        Assert.Equal((int)MiB, file.Write(0, new byte[MiB])); // over base data: the zeros must win
        Assert.Equal((int)MiB, file.Write(80 * MiB, new byte[MiB])); // growth with zeros
        Assert.Equal(0, file.Sync(false));
        Assert.Equal(0, DataAllocated(prefix));
        Assert.True(file.DeltaBytes <= 8 * 1024, $"delta {file.DeltaBytes} bytes");
        byte[] check = new byte[MiB];
        check[5] = 1;
        Assert.Equal((int)MiB, file.Read(0, check));
        Assert.DoesNotContain(check, b => b != 0);
        Assert.Equal(81 * MiB, file.Size);
    }

    [Fact]
    public void ZerosOverDeltaBlocksAreWrittenInPlace()
    {
        // A database rewriting a page with zeros must not punch and refill extents (each fdatasync would then
        // commit the filesystem journal); zeros over base blocks still cost no space.
        using var dir = new BlockTestDirectory();
        string basePath = CreateSparseBase(dir, 64 * MiB, 5);
        string prefix = dir.PathOf("delta");
        byte[] page = new byte[2 * B];
        new Random(5).NextBytes(page);
        using (BlockFile file = BlockFile.Create(prefix, basePath, 64 * MiB))
        {
            Assert.Equal(page.Length, file.Write(MiB, page));
            Assert.Equal(0, file.Sync(false));
            Assert.Equal(2 * B, DataAllocated(prefix));
            // Over base blocks first: rewriting the page right after the sync would be a log writer's pattern,
            // which prepares blocks ahead of it (BlockFileRunwayTests).
            Assert.Equal(2 * B, file.Write(8 * MiB, new byte[2 * B]));
            Assert.Equal(page.Length, file.Write(MiB, new byte[2 * B]));
            Assert.Equal(0, file.Sync(false));
            Assert.Equal(2 * B, DataAllocated(prefix));
        }
        using BlockFile reopened = BlockFile.Open(prefix, basePath, 64 * MiB);
        foreach (long at in new[] { MiB, 8 * MiB })
        {
            byte[] check = new byte[2 * B];
            check[0] = 1;
            Assert.Equal(check.Length, reopened.Read(at, check));
            Assert.DoesNotContain(check, b => b != 0);
        }
    }

    [Fact]
    public void FallocateAndOpenCopyNoBaseData()
    {
        using var dir = new BlockTestDirectory();
        string basePath = CreateSparseBase(dir, 64 * MiB, 4);
        string prefix = dir.PathOf("delta");
        using BlockFile file = BlockFile.Create(prefix, basePath, 64 * MiB);
        Assert.Equal(0, file.Fallocate(1, 0, 64 * MiB)); // KEEP_SIZE over base only: nothing to do
        Assert.False(file.IsModified);
        Assert.Equal(0, DataAllocated(prefix));
        Assert.Equal(0, file.Fallocate(0, 60 * MiB, 8 * MiB)); // grows by 4 MiB: only that part is reserved
        Assert.Equal(68 * MiB, file.Size);
        long reserved = DataAllocated(prefix);
        Assert.InRange(reserved, 4 * MiB, (4 * MiB) + (64 * 1024));
        Assert.Equal(0, file.Fallocate(3, 1 * MiB, 2 * MiB)); // punch over base: holes, no copy
        Assert.Equal(reserved, DataAllocated(prefix));
        byte[] buffer = new byte[2 * MiB];
        Assert.Equal(buffer.Length, file.Read(1 * MiB, buffer));
        Assert.DoesNotContain(buffer, b => b != 0);
    }

    [Fact]
    public void OneWriteIntoOneGiBSparseBaseIsFast()
    {
        using var dir = new BlockTestDirectory();
        string basePath = dir.PathOf("base-1g");
        using (var stream = new FileStream(basePath, FileMode.CreateNew))
        {
            stream.SetLength(1024 * MiB);
        }
        string prefix = dir.PathOf("delta");
        byte[] page = Enumerable.Repeat((byte)0x5C, 2 * B).ToArray();
        var clock = Stopwatch.StartNew();
        using BlockFile file = BlockFile.Create(prefix, basePath, 1024 * MiB);
        Assert.Equal(page.Length, file.Write(512 * MiB, page));
        Assert.Equal(0, file.Sync(false));
        clock.Stop();
        long delta = file.DeltaBytes;
        output.WriteLine($"1 GiB sparse base: create + 8 KiB write + sync took {clock.Elapsed.TotalMilliseconds:F1} ms, delta {delta} bytes");
        Assert.True(delta <= 64 * 1024, $"delta {delta} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }
}
