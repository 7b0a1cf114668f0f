using System.Buffers.Binary;
using System.IO.Hashing;
using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>Reopening from what is on disk: torn map tails, corrupt records, and no delta at all.</summary>
public sealed class BlockMapRecoveryTests
{
    private const int B = BlockFile.BlockSize;
    private const int RecordSize = 24;

    /// <summary>
    /// Base of 16 blocks; A = block 2 written and synced, then B = block 9 written (one more map record, the
    /// last one), then the daemon "dies". Returns the expected content before and after B.
    /// </summary>
    private static (byte[] BeforeB, byte[] AfterB) WriteAThenB(BlockTestDirectory dir, out string basePath, out string prefix)
    {
        byte[] content = BlockFileModelTests.RandomContent(new Random(7), 16 * B);
        basePath = dir.CreateBase("base", content);
        prefix = dir.PathOf("delta");
        byte[] a = Enumerable.Repeat((byte)0xAA, B).ToArray();
        byte[] b = Enumerable.Repeat((byte)0xBB, 100).ToArray();
        // Abandoned like a killed daemon: B's record is the last one in the log (Dispose would append a
        // Synced marker after it).
        BlockFile file = BlockFile.Create(prefix, basePath, content.Length);
        Assert.Equal(B, file.Write(2 * B, a));
        Assert.Equal(0, file.Sync(false));
        Assert.Equal(100, file.Write((9 * B) + 50, b));
        file.Abandon();
        byte[] beforeB = (byte[])content.Clone();
        a.CopyTo(beforeB, 2 * B);
        byte[] afterB = (byte[])beforeB.Clone();
        b.CopyTo(afterB, (9 * B) + 50);
        return (beforeB, afterB);
    }

    private static byte[] ReadAll(BlockFile file)
    {
        byte[] all = new byte[file.Size];
        Assert.Equal(all.Length, file.Read(0, all));
        return all;
    }

    [Fact]
    public void CompleteLogReopensToLastWrite()
    {
        using var dir = new BlockTestDirectory();
        (_, byte[] afterB) = WriteAThenB(dir, out string basePath, out string prefix);
        using BlockFile file = BlockFile.Open(prefix, basePath, afterB.Length);
        Assert.Equal(afterB, ReadAll(file));
        Assert.True(file.IsModified);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(RecordSize - 1)]
    public void TruncatedLastRecordReopensToPreviousState(int bytesCut)
    {
        using var dir = new BlockTestDirectory($"{nameof(TruncatedLastRecordReopensToPreviousState)}-{bytesCut}");
        (byte[] beforeB, _) = WriteAThenB(dir, out string basePath, out string prefix);
        string map = prefix + ".map";
        long length = RecordsEnd(map);
        using (var stream = new FileStream(map, FileMode.Open))
        {
            stream.SetLength(length - bytesCut);
        }
        using (BlockFile file = BlockFile.Open(prefix, basePath, beforeB.Length))
        {
            Assert.Equal(beforeB, ReadAll(file));
            // The torn tail was cut: new records append cleanly and survive another reopen.
            Assert.Equal(3, file.Write(11 * B, "xyz"u8));
            beforeB[11 * B] = (byte)'x';
            beforeB[(11 * B) + 1] = (byte)'y';
            beforeB[(11 * B) + 2] = (byte)'z';
        }
        // Only zeros written ahead follow the records: the cut left no misaligned bytes behind.
        Assert.DoesNotContain(File.ReadAllBytes(map).AsSpan((int)RecordsEnd(map)).ToArray(), b => b != 0);
        using BlockFile again = BlockFile.Open(prefix, basePath, beforeB.Length);
        Assert.Equal(beforeB, ReadAll(again));
    }

    [Fact]
    public void FlippedByteInLastRecordReopensToPreviousState()
    {
        using var dir = new BlockTestDirectory();
        (byte[] beforeB, _) = WriteAThenB(dir, out string basePath, out string prefix);
        FlipByte(prefix + ".map", RecordsEnd(prefix + ".map") - 10);
        using BlockFile file = BlockFile.Open(prefix, basePath, beforeB.Length);
        Assert.Equal(beforeB, ReadAll(file));
    }

    [Fact]
    public void CorruptMiddleRecordThrowsInvalidData()
    {
        using var dir = new BlockTestDirectory();
        (byte[] beforeB, _) = WriteAThenB(dir, out string basePath, out string prefix);
        FlipByte(prefix + ".map", 32 + 6); // first record (Boot); valid ones follow it
        var error = Assert.Throws<InvalidDataException>(() => BlockFile.Open(prefix, basePath, beforeB.Length));
        Assert.Contains("corrupt block map record at offset 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptHeaderOrChangedBaseThrowsInvalidData()
    {
        using var dir = new BlockTestDirectory();
        (byte[] beforeB, _) = WriteAThenB(dir, out string basePath, out string prefix);
        Assert.Throws<InvalidDataException>(() => BlockFile.Open(prefix, basePath, beforeB.Length + 1));
        FlipByte(prefix + ".map", 0);
        Assert.Throws<InvalidDataException>(() => BlockFile.Open(prefix, basePath, beforeB.Length));
    }

    [Fact]
    public void NoDeltaOnDiskMeansPureBase()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = BlockFileModelTests.RandomContent(new Random(3), (5 * B) + 17);
        string basePath = dir.CreateBase("base", content);
        string prefix = dir.PathOf("delta");
        using (BlockFile file = BlockFile.Create(prefix, basePath, content.Length))
        {
            Assert.Equal(content, ReadAll(file));
            Assert.Equal(0, file.Sync(false));
            Assert.False(file.IsModified);
            Assert.Equal(0, file.DeltaBytes);
        }
        Assert.False(BlockFile.Exists(prefix));
        Assert.Empty(Directory.GetFiles(dir.Root, "delta*"));
        using BlockFile reopened = BlockFile.Open(prefix, basePath, content.Length);
        Assert.Equal(content, ReadAll(reopened));
        Assert.False(reopened.IsModified);
    }

    [Fact]
    public void DeleteRemovesTheDelta()
    {
        using var dir = new BlockTestDirectory();
        string prefix = dir.PathOf("delta");
        using (BlockFile file = BlockFile.Create(prefix, null, 0))
        {
            Assert.Equal(5, file.Write(0, "hello"u8));
            Assert.Equal(0, file.Sync(false));
        }
        Assert.True(BlockFile.Exists(prefix));
        BlockFile.Delete(prefix);
        Assert.False(BlockFile.Exists(prefix));
        Assert.Empty(Directory.GetFiles(dir.Root, "delta*"));
    }

    /// <summary>
    /// A daemon killed after the data pwrite of a growing write but before its map record: the bytes sit past
    /// the recorded size in the data file. Open must trim them so a later extension reads zeros.
    /// </summary>
    [Fact]
    public void UnrecordedBytesPastSizeAreTrimmedOnOpen()
    {
        using var dir = new BlockTestDirectory();
        string prefix = dir.PathOf("delta");
        using (BlockFile file = BlockFile.Create(prefix, null, 0))
        {
            Assert.Equal(4, file.Write(0, "abcd"u8));
        }
        using (var data = new FileStream(prefix + ".data", FileMode.Open))
        {
            data.Position = 100;
            data.Write(Enumerable.Repeat((byte)0x55, 5000).ToArray());
        }
        using BlockFile reopened = BlockFile.Open(prefix, null, 0);
        Assert.Equal(4, reopened.Size);
        Assert.Equal(0, reopened.Truncate(3 * B));
        byte[] all = ReadAll(reopened);
        Assert.Equal("abcd"u8.ToArray(), all[..4]);
        Assert.DoesNotContain(all[4..], b => b != 0);
    }

    [Fact]
    public void LargeLogIsCompactedOnSyncAndReplaysTheSame()
    {
        using var dir = new BlockTestDirectory();
        byte[] content = new byte[4096 * B];
        new Random(5).NextBytes(content);
        string basePath = dir.CreateBase("base", content);
        string prefix = dir.PathOf("delta");
        byte[] expected = (byte[])content.Clone();
        using (BlockFile file = BlockFile.Create(prefix, basePath, content.Length))
        {
            // Every other block, one record each, plus growth and shrink records: well past the threshold.
            for (int block = 0; block < 4096; block += 2)
            {
                Assert.Equal(1, file.Write((long)block * B, new byte[] { 7 }));
                expected[block * B] = 7;
            }
            for (int i = 0; i < 2000; i++)
            {
                Assert.Equal(0, file.Truncate(content.Length + 1 + i));
            }
            Assert.Equal(0, file.Truncate(content.Length));
            long before = RecordsEnd(prefix + ".map");
            Assert.Equal(0, file.Sync(false));
            long after = RecordsEnd(prefix + ".map");
            Assert.True(after < before, $"map {before} -> {after} bytes");
            Assert.Equal(1, file.Write(1 * B, new byte[] { 9 })); // appends still work on the new log
            expected[B] = 9;
        }
        Assert.False(File.Exists(prefix + ".map.tmp"));
        using BlockFile reopened = BlockFile.Open(prefix, basePath, content.Length);
        Assert.Equal(expected, ReadAll(reopened));
    }

    /// <summary>
    /// A machine crash: the page cache is gone, and map records appended after the last Sync may have reached
    /// disk without their data. Simulated by rewriting the Boot records (type 4) to another boot's id with valid
    /// checksums (per docs/FORMAT.md, "Block delta of one file"). Only the synced state may come back: base blocks first written after
    /// the last Sync read their base content again (never zeros), growth after it is gone.
    /// </summary>
    [Fact]
    public void AfterRebootOnlySyncedRecordsCount()
    {
        using var dir = new BlockTestDirectory();
        (byte[] beforeB, byte[] afterB) = WriteAThenB(dir, out string basePath, out string prefix);
        BlockFile grow = BlockFile.Open(prefix, basePath, beforeB.Length);
        Assert.Equal(afterB, ReadAll(grow)); // same boot: all acknowledged records count
        Assert.Equal(3, grow.Write(afterB.Length + 10, "end"u8));
        grow.Abandon(); // the machine "crashes" with B and the growth never synced
        RewriteBootIds(prefix + ".map");
        BlockFile file = BlockFile.Open(prefix, basePath, beforeB.Length);
        Assert.Equal(beforeB, ReadAll(file));
        // Life goes on in the new boot: its unsynced records count again after a daemon kill in this boot.
        Assert.Equal(2, file.Write(12 * B, "ok"u8));
        beforeB[12 * B] = (byte)'o';
        beforeB[(12 * B) + 1] = (byte)'k';
        file.Abandon();
        using BlockFile again = BlockFile.Open(prefix, basePath, beforeB.Length);
        Assert.Equal(beforeB, ReadAll(again));
    }

    private static void RewriteBootIds(string mapPath)
    {
        byte[] map = File.ReadAllBytes(mapPath);
        for (int at = 32; at + RecordSize <= map.Length; at += RecordSize)
        {
            if (map[at] == 4)
            {
                BinaryPrimitives.WriteInt64LittleEndian(map.AsSpan(at + 4), 0x1234);
                BinaryPrimitives.WriteInt64LittleEndian(map.AsSpan(at + 12), 0x5678);
                BinaryPrimitives.WriteUInt32LittleEndian(map.AsSpan(at + 20), Crc32.HashToUInt32(map.AsSpan(at, 20)));
            }
        }
        File.WriteAllBytes(mapPath, map);
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }

    /// <summary>End of the records: the log may go on in zeros written ahead of them (BlockMapLog.GrowAhead).</summary>
    private static long RecordsEnd(string mapPath)
    {
        byte[] map = File.ReadAllBytes(mapPath);
        int end = 32;
        while (end + RecordSize <= map.Length && map.AsSpan(end, RecordSize).ContainsAnyExcept((byte)0))
        {
            end += RecordSize;
        }
        return end;
    }
}
