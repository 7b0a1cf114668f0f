using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>
/// Thousands of seeded random operations against <see cref="BlockFile"/> and a byte-list reference.
/// Reopening after Sync+Dispose and after a simulated daemon kill (descriptors closed: no Dispose, no Sync)
/// must both give exactly the reference: every acknowledged operation's map record is written with write(2)
/// before it returns, and the kernel page cache survives a killed process.
/// </summary>
public sealed class BlockFileModelTests
{
    private const int B = BlockFile.BlockSize;
    private const int MaxSize = 96 * B;

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void RandomOperationsMatchReference(int seed, bool withBase)
    {
        using var dir = new BlockTestDirectory($"{nameof(RandomOperationsMatchReference)}-{seed}");
        var random = new Random(seed);
        byte[] baseContent = withBase ? RandomContent(random, random.Next(0, 64 * B + 1)) : [];
        string? basePath = withBase ? dir.CreateBase("base", baseContent) : null;
        string prefix = dir.PathOf("delta");
        var reference = new BlockFileReference(baseContent);
        BlockFile file = BlockFile.Create(prefix, basePath, baseContent.Length);
        try
        {
            for (int step = 0; step < 2500; step++)
            {
                string context = $"seed {seed} step {step}";
                int dice = random.Next(100);
                if (dice < 31)
                {
                    RandomWrite(random, file, reference, context);
                }
                else if (dice < 35)
                {
                    LogWrites(random, file, reference, context);
                }
                else if (dice < 43)
                {
                    long size = random.Next(0, MaxSize);
                    size = random.Next(3) == 0 ? size / B * B : size;
                    Assert.Equal(0, file.Truncate(size));
                    reference.Truncate(size);
                }
                else if (dice < 55)
                {
                    RandomFallocate(random, file, reference, context);
                }
                else if (dice < 70)
                {
                    CheckRandomRead(random, file, reference, context);
                }
                else if (dice < 80)
                {
                    CheckSeek(random, file, reference, context);
                }
                else if (dice < 85)
                {
                    Assert.Equal(0, file.Sync(random.Next(2) == 0));
                }
                else if (dice < 89)
                {
                    Assert.Equal(0, file.Sync(false));
                    file.Dispose();
                    file = BlockFile.Open(prefix, basePath, baseContent.Length);
                    reference.AssertMatches(file, context + " after sync+reopen");
                }
                else if (dice < 93)
                {
                    file.Abandon(); // kill -9: descriptors closed, no Sync, nothing flushed by us
                    file = BlockFile.Open(prefix, basePath, baseContent.Length);
                    reference.AssertMatches(file, context + " after simulated kill");
                }
                else
                {
                    reference.AssertMatches(file, context);
                    Assert.True(file.IsModified || !Differs(reference, baseContent), $"{context}: content differs but IsModified is false");
                }
            }
            reference.AssertMatches(file, $"seed {seed} end");
            Assert.Equal(0, file.Sync(false));
        }
        finally
        {
            file.Dispose();
        }
        if (withBase)
        {
            Assert.Equal(baseContent, File.ReadAllBytes(basePath!));
        }
    }

    private static bool Differs(BlockFileReference reference, byte[] baseContent)
    {
        if (reference.Size != baseContent.Length)
        {
            return true;
        }
        for (int i = 0; i < baseContent.Length; i++)
        {
            if (reference[i] != baseContent[i])
            {
                return true;
            }
        }
        return false;
    }

    private static void RandomWrite(Random random, BlockFile file, BlockFileReference reference, string context)
    {
        long offset = random.Next(0, MaxSize);
        int length = random.Next(1, 3 * B);
        if (random.Next(3) == 0)
        {
            offset = offset / B * B;
            length = random.Next(1, 4) * B;
        }
        byte[] data = random.Next(4) == 0 ? new byte[length] : RandomContent(random, length);
        Assert.True(length == file.Write(offset, data), context);
        reference.Write(offset, data);
    }

    /// <summary>
    /// A log writer: a few pages, each the same or the next one, with a sync before each (what prepares
    /// blocks ahead, BlockFile.Runway).
    /// </summary>
    private static void LogWrites(Random random, BlockFile file, BlockFileReference reference, string context)
    {
        long offset = random.Next(0, MaxSize) / B * B;
        for (int i = random.Next(2, 5); i > 0; i--)
        {
            int length = random.Next(1, 3) * B;
            byte[] data = RandomContent(random, length);
            Assert.True(length == file.Write(offset, data), $"{context}: log write {offset}+{length}");
            reference.Write(offset, data);
            Assert.Equal(0, file.Sync(false));
            offset += random.Next(3) == 0 ? 0 : length;
        }
    }

    private static void RandomFallocate(Random random, BlockFile file, BlockFileReference reference, string context)
    {
        int[] modes = [0, 1, 3, 0x10, 0x11];
        int mode = modes[random.Next(modes.Length)];
        long offset = random.Next(0, MaxSize);
        long length = random.Next(1, 4 * B);
        if (random.Next(2) == 0)
        {
            offset = offset / B * B;
            length = random.Next(1, 5) * B;
        }
        Assert.True(0 == file.Fallocate(mode, offset, length), $"{context}: fallocate {mode:x} {offset}+{length}");
        long end = offset + length;
        if (mode is 3 or 0x10 or 0x11)
        {
            reference.Zero(offset, end);
        }
        if ((mode & 1) == 0)
        {
            reference.Grow(end);
        }
    }

    private static void CheckRandomRead(Random random, BlockFile file, BlockFileReference reference, string context)
    {
        long offset = random.Next(0, MaxSize + B);
        byte[] buffer = new byte[random.Next(1, 5 * B)];
        int got = file.Read(offset, buffer);
        long expected = Math.Clamp(reference.Size - offset, 0, buffer.Length);
        Assert.True(expected == got, $"{context}: read {offset}+{buffer.Length} gave {got}, expected {expected}");
        for (int i = 0; i < got; i++)
        {
            if (buffer[i] != reference[offset + i])
            {
                Assert.Fail($"{context}: read at {offset}: byte {offset + i} is {buffer[i]}, expected {reference[offset + i]}");
            }
        }
    }

    /// <summary>SEEK_DATA never skips a non-zero byte; SEEK_HOLE never lands on one; ENXIO exactly at or past EOF.</summary>
    private static void CheckSeek(Random random, BlockFile file, BlockFileReference reference, string context)
    {
        long offset = random.Next(0, MaxSize + B);
        int whence = random.Next(3, 5);
        int r = file.Seek(offset, whence, out long result);
        if (offset >= reference.Size)
        {
            Assert.True(r == -6, $"{context}: seek {whence} at {offset} past EOF {reference.Size} gave {r}");
            return;
        }
        if (whence == 3)
        {
            if (r == -6)
            {
                Assert.True(reference.IsZero(offset, reference.Size), $"{context}: SEEK_DATA {offset} said no data");
                return;
            }
            Assert.Equal(0, r);
            Assert.True(result >= offset && result < reference.Size, $"{context}: SEEK_DATA {offset} -> {result}");
            Assert.True(reference.IsZero(offset, result), $"{context}: SEEK_DATA {offset} -> {result} skipped data");
        }
        else
        {
            Assert.Equal(0, r);
            Assert.True(result >= offset && result <= reference.Size, $"{context}: SEEK_HOLE {offset} -> {result}");
            Assert.True(result == reference.Size || reference[result] == 0, $"{context}: SEEK_HOLE {offset} -> {result} is data");
        }
    }

    /// <summary>Random bytes with zero blocks and zero runs mixed in (so holes and zero detection get exercised).</summary>
    internal static byte[] RandomContent(Random random, int length)
    {
        byte[] data = new byte[length];
        random.NextBytes(data);
        for (int i = 0; i < length; i += B)
        {
            if (random.Next(4) == 0)
            {
                Array.Clear(data, i, Math.Min(B, length - i));
            }
        }
        return data;
    }
}
