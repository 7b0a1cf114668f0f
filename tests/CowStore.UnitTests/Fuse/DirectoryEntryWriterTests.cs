using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Fuse;

public sealed class DirectoryEntryWriterTests
{
    [Fact]
    public void TryAddPacksAlignedDirents()
    {
        byte[] buffer = new byte[64];
        buffer.AsSpan().Fill(0xAA);
        var writer = new DirectoryEntryWriter(buffer, plus: false);

        Assert.True(writer.TryAdd("abc"u8, ino: 7, type: 8, nextOffset: 1));
        Assert.Equal(32, writer.BytesWritten); // 24-byte header + 3 bytes name, aligned to 8
        Assert.Equal(7UL, BinaryPrimitives.ReadUInt64LittleEndian(buffer));
        Assert.Equal(1L, BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(8)));
        Assert.Equal(3U, BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(16)));
        Assert.Equal(8U, BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20)));
        Assert.Equal("abc"u8.ToArray(), buffer[24..27]);
        Assert.All(buffer[27..32], b => Assert.Equal(0, b));

        Assert.True(writer.TryAdd("12345678"u8, ino: 8, type: 4, nextOffset: 2));
        Assert.Equal(64, writer.BytesWritten);
        Assert.False(writer.TryAdd("x"u8, ino: 9, type: 8, nextOffset: 3));
        Assert.Equal(64, writer.BytesWritten);
    }

    [Fact]
    public void TryAddPlusPutsEntryBeforeDirent()
    {
        int entrySize = Marshal.SizeOf<FuseEntryOut>();
        byte[] buffer = new byte[entrySize + 32];
        var writer = new DirectoryEntryWriter(buffer, plus: true);
        var entry = new FuseEntryOut { NodeId = 42, EntryValid = 5 };
        entry.Attr.Ino = 1234;
        entry.Attr.Mode = 0x41ED; // directory 0755

        Assert.True(writer.TryAddPlus("dir"u8, in entry, nextOffset: 9));

        Assert.Equal(entrySize + 32, writer.BytesWritten);
        Assert.Equal(42UL, BinaryPrimitives.ReadUInt64LittleEndian(buffer));
        Span<byte> dirent = buffer.AsSpan(entrySize);
        Assert.Equal(1234UL, BinaryPrimitives.ReadUInt64LittleEndian(dirent));
        Assert.Equal(9L, BinaryPrimitives.ReadInt64LittleEndian(dirent[8..]));
        Assert.Equal(3U, BinaryPrimitives.ReadUInt32LittleEndian(dirent[16..]));
        Assert.Equal(4U, BinaryPrimitives.ReadUInt32LittleEndian(dirent[20..])); // DT_DIR
        Assert.False(writer.TryAddPlus("more"u8, in entry, nextOffset: 10));
    }

    [Fact]
    public void TryAddOnAPlusWriterWritesAPlusRecordWithoutNode()
    {
        int entrySize = Marshal.SizeOf<FuseEntryOut>();
        byte[] buffer = new byte[entrySize + 32];
        buffer.AsSpan().Fill(0xAA);
        var writer = new DirectoryEntryWriter(buffer, plus: true);

        Assert.True(writer.TryAdd("f"u8, ino: 12, type: 8, nextOffset: 3));

        Assert.Equal(entrySize + 32, writer.BytesWritten);
        Assert.All(buffer[..entrySize], b => Assert.Equal(0, b)); // NodeId 0: no lookup counted
        Assert.Equal(12UL, BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(entrySize)));
        Assert.Equal(8U, BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(entrySize + 20)));
    }
}
