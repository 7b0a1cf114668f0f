using System.IO.Hashing;
using System.Security.Cryptography;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Reads the blocks of one published pack. <see cref="ReadBlock"/> is thread-safe (pread) and allocation-free, and
/// checks every block against its XxHash3 from the index: a damaged block reads as EIO, never as wrong data.
/// </summary>
public sealed class PackReader : IDisposable
{
    private readonly SafeFd _fd;

    private PackReader(string id, PackIndex index, SafeFd fd)
    {
        Id = id;
        Index = index;
        _fd = fd;
    }

    public string Id { get; }

    public PackIndex Index { get; }

    public long BlockCount => Index.BlockCount;

    /// <exception cref="FileNotFoundException">The pack does not exist (or was never completed).</exception>
    /// <exception cref="InvalidDataException">Its index is damaged.</exception>
    /// <exception cref="IOException">The .pack cannot be opened.</exception>
    public static PackReader Open(string packsDirectory, string packId)
    {
        PackIndex index = PackIndex.Load(packsDirectory, packId);
        SafeFd fd = BlockIo.OpenOrThrow(PackIndex.PackPath(packsDirectory, packId), PosixConstants.O_RDONLY);
        return new PackReader(packId, index, fd);
    }

    /// <summary>The SHA-256 of <paramref name="block"/> as recorded in the index.</summary>
    public void CopyDigest(long block, Span<byte> sha256) => Index.DigestOf(block).CopyTo(sha256);

    /// <summary>Reads block <paramref name="block"/> into <paramref name="destination"/> (4096 bytes): 0, -EIO (out of range, short pack, checksum mismatch) or -errno.</summary>
    public int ReadBlock(long block, Span<byte> destination)
    {
        if (destination.Length < PackIndex.BlockSize)
        {
            return -Errno.EINVAL;
        }
        destination = destination[..PackIndex.BlockSize];
        int got = ReadRaw(block, destination);
        if (got < 0)
        {
            return got;
        }
        if (got != PackIndex.BlockSize || XxHash3.HashToUInt64(destination) != Index.ChecksumOf(block))
        {
            destination.Clear();
            return -Errno.EIO;
        }
        return 0;
    }

    /// <summary>Verification of one block against its SHA-256 (what <c>verify</c> does): null when intact, else why not.</summary>
    public string? CheckBlock(long block, Span<byte> buffer)
    {
        int got = ReadRaw(block, buffer[..PackIndex.BlockSize]);
        if (got < 0)
        {
            return $"read failed: {Libc.Describe(-got)}";
        }
        if (got != PackIndex.BlockSize)
        {
            return got == 0 ? "missing (pack too short)" : "truncated (pack too short)";
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer[..PackIndex.BlockSize], digest);
        if (!digest.SequenceEqual(Index.DigestOf(block)))
        {
            return "SHA-256 mismatch";
        }
        return XxHash3.HashToUInt64(buffer[..PackIndex.BlockSize]) == Index.ChecksumOf(block) ? null : "XxHash3 mismatch in the index";
    }

    /// <summary>Bytes read (4096, fewer at a short pack) or -errno; -EIO for a block out of range.</summary>
    private int ReadRaw(long block, Span<byte> destination)
    {
        if ((ulong)block >= (ulong)Index.BlockCount)
        {
            return -Errno.EIO;
        }
        return BlockIo.PReadFull(_fd, destination, block * PackIndex.BlockSize);
    }

    public void Dispose() => _fd.Dispose();
}
