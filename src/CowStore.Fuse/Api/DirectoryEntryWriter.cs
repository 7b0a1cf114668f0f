using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CowStore.Fuse.Kernel;

namespace CowStore.Fuse;

/// <summary>
/// Packs READDIR (<c>fuse_dirent</c>) or READDIRPLUS (<c>fuse_direntplus</c>) records into the
/// reply buffer. Records are 8-byte aligned; <c>nextOffset</c> is the cookie the kernel hands back
/// to continue after this entry.
/// </summary>
public ref struct DirectoryEntryWriter
{
    private const int DirentHeaderSize = 24; // ino, off, namelen, type
    private readonly Span<byte> _buffer;
    private int _written;

    public DirectoryEntryWriter(Span<byte> buffer, bool plus)
    {
        _buffer = buffer;
        IsPlus = plus;
        _written = 0;
    }

    /// <summary>True for READDIRPLUS: use <see cref="TryAddPlus"/>; otherwise <see cref="TryAdd"/>.</summary>
    public bool IsPlus { get; }

    /// <summary>Bytes packed so far.</summary>
    public readonly int BytesWritten => _written;

    /// <summary>
    /// Adds a READDIR record; false (nothing written) when the buffer is full. On a READDIRPLUS writer it adds
    /// a record without attributes (entry NodeId 0: the kernel counts no lookup and caches nothing).
    /// </summary>
    /// <param name="type">File type as in <c>d_type</c>: <c>(mode &amp; S_IFMT) &gt;&gt; 12</c>.</param>
    public bool TryAdd(ReadOnlySpan<byte> name, ulong ino, uint type, long nextOffset)
    {
        if (IsPlus)
        {
            return TryAddPlusRecord(name, default, ino, type, nextOffset);
        }
        int size = Align8(DirentHeaderSize + name.Length);
        if (_written + size > _buffer.Length)
        {
            return false;
        }
        WriteDirent(_buffer.Slice(_written, size), name, ino, type, nextOffset);
        _written += size;
        return true;
    }

    /// <summary>
    /// Adds a READDIRPLUS record; false (nothing written) when the buffer is full. When it returns true
    /// and <paramref name="entry"/>.NodeId is non-zero, the kernel counts one lookup of that node, so the
    /// filesystem must increment its lookup count (never for "." and "..", which carry NodeId 0).
    /// </summary>
    public bool TryAddPlus(ReadOnlySpan<byte> name, in FuseEntryOut entry, long nextOffset) =>
        TryAddPlusRecord(name, in entry, entry.Attr.Ino, (entry.Attr.Mode >> 12) & 0xF, nextOffset);

    private bool TryAddPlusRecord(ReadOnlySpan<byte> name, in FuseEntryOut entry, ulong ino, uint type, long nextOffset)
    {
        int entrySize = Marshal.SizeOf<FuseEntryOut>();
        int size = entrySize + Align8(DirentHeaderSize + name.Length);
        if (_written + size > _buffer.Length)
        {
            return false;
        }
        Span<byte> record = _buffer.Slice(_written, size);
        MemoryMarshal.Write(record, in entry);
        WriteDirent(record[entrySize..], name, ino, type, nextOffset);
        _written += size;
        return true;
    }

    private static void WriteDirent(Span<byte> dest, ReadOnlySpan<byte> name, ulong ino, uint type, long nextOffset)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(dest, ino);
        BinaryPrimitives.WriteInt64LittleEndian(dest[8..], nextOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[16..], (uint)name.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[20..], type);
        name.CopyTo(dest[DirentHeaderSize..]);
        dest[(DirentHeaderSize + name.Length)..].Clear();
    }

    private static int Align8(int n) => (n + 7) & ~7;
}
