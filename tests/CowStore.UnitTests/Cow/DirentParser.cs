using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CowStore.Fuse.Kernel;

namespace CowStore.UnitTests.Cow;

/// <summary>Reads back what <see cref="CowStore.Fuse.DirectoryEntryWriter"/> packed, as the kernel would.</summary>
internal static class DirentParser
{
    /// <summary>Appends the names found and returns the cookie of the last record.</summary>
    public static long Parse(ReadOnlySpan<byte> buffer, bool plus, List<string> names)
    {
        int entrySize = plus ? Marshal.SizeOf<FuseEntryOut>() : 0;
        long last = 0;
        int position = 0;
        while (position < buffer.Length)
        {
            ReadOnlySpan<byte> dirent = buffer[(position + entrySize)..];
            last = BinaryPrimitives.ReadInt64LittleEndian(dirent[8..]);
            int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(dirent[16..]);
            names.Add(Encoding.UTF8.GetString(dirent.Slice(24, nameLength)));
            position += entrySize + ((24 + nameLength + 7) & ~7);
        }
        return last;
    }
}
