using System.Buffers;
using System.Buffers.Binary;
using CowStore.Core.Posix;

namespace CowStore.Core.Loopback;

/// <summary>
/// A directory handle: a readable fd (for getdents64, fstatat and fsync) and a snapshot of its entries
/// taken at open (and again on rewind), so READDIR cookies are simply index + 1 and stay valid while the
/// directory changes.
/// </summary>
internal sealed class OpenDirectory(SafeFd fd)
{
    private const int SEEK_SET = 0;

    public SafeFd Fd { get; } = fd;

    /// <summary>Serializes snapshot refreshes with readers of <see cref="Entries"/>.</summary>
    public Lock Gate { get; } = new();

    public IReadOnlyList<DirectoryEntry> Entries { get; private set; } = [];

    /// <summary>True once a READDIR was answered; a later offset 0 means rewinddir and takes a fresh snapshot.</summary>
    public bool Served { get; set; }

    /// <summary>Reads the whole directory again; 0 or -errno.</summary>
    public unsafe int Refresh()
    {
        if (Libc.LSeek(Fd.Fd, 0, SEEK_SET) < 0)
        {
            return Libc.NegErrno;
        }
        var entries = new List<DirectoryEntry>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = Libc.GetDents64(Fd.Fd, p, (nuint)buffer.Length);
                }
                if (n < 0)
                {
                    if (Libc.Errno == PosixConstants.EINTR)
                    {
                        continue;
                    }
                    return Libc.NegErrno;
                }
                if (n == 0)
                {
                    break;
                }
                Parse(buffer.AsSpan(0, (int)n), entries);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Entries = entries;
        return 0;
    }

    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
    private static void Parse(ReadOnlySpan<byte> records, List<DirectoryEntry> entries)
    {
        while (records.Length >= 19)
        {
            ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(records);
            int recordLength = BinaryPrimitives.ReadUInt16LittleEndian(records[16..]);
            byte type = records[18];
            ReadOnlySpan<byte> name = records[19..recordLength];
            int end = name.IndexOf((byte)0);
            entries.Add(new DirectoryEntry(name[..(end < 0 ? name.Length : end)].ToArray(), ino, type));
            records = records[recordLength..];
        }
    }
}
