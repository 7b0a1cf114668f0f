using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Builds one pack (the blocks a commit adds to the store) in the store's tmp directory, then publishes it under its
/// content id. Not thread-safe. Disposing an unpublished writer deletes its temp files.
/// </summary>
public sealed class PackWriter : IDisposable
{
    private readonly string _packTemp;
    private readonly string _indexTemp;
    private readonly FileStream _pack;
    private readonly MemoryStream _digests = new();
    private readonly List<ulong> _checksums = [];
    private bool _finished;

    private PackWriter(string packTemp, string indexTemp, FileStream pack)
    {
        _packTemp = packTemp;
        _indexTemp = indexTemp;
        _pack = pack;
    }

    public long BlockCount => _checksums.Count;

    /// <summary>Bytes of block data added so far.</summary>
    public long Bytes => BlockCount * PackIndex.BlockSize;

    /// <summary>The id the pack will be published under (content-derived: it changes with every Add).</summary>
    public string Id => PackIndex.IdOf(_digests.GetBuffer().AsSpan(0, (int)_digests.Length));

    /// <summary>True once <see cref="Publish"/> succeeded.</summary>
    public bool Published { get; private set; }

    /// <summary>Starts a pack in <paramref name="tmpDirectory"/> (must be on the same filesystem as the packs directory).</summary>
    public static PackWriter Create(string tmpDirectory)
    {
        string stem = Path.Combine(tmpDirectory, TempNames.New("pack"));
        FileStream pack = DurableFiles.CreateNew(stem + PackIndex.PackExtension, DurableFiles.ReadOnlyMode, bufferSize: 1 << 20);
        return new PackWriter(stem + PackIndex.PackExtension, stem + PackIndex.IndexExtension, pack);
    }

    /// <summary>Appends a 4 KiB block whose SHA-256 is <paramref name="sha256"/>; returns its block number in this pack.</summary>
    public long Add(ReadOnlySpan<byte> block, ReadOnlySpan<byte> sha256)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (block.Length != PackIndex.BlockSize || sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("a pack block is 4096 bytes with a 32-byte SHA-256");
        }
        _pack.Write(block);
        _digests.Write(sha256);
        _checksums.Add(XxHash3.HashToUInt64(block));
        return _checksums.Count - 1;
    }

    /// <summary>The SHA-256 of block <paramref name="block"/> added earlier.</summary>
    public void CopyDigest(long block, Span<byte> sha256) =>
        _digests.GetBuffer().AsSpan(checked((int)(block * SHA256.HashSizeInBytes)), SHA256.HashSizeInBytes).CopyTo(sha256);

    /// <summary>
    /// Makes the pack durable and visible as <c>packs/&lt;id&gt;.pack</c> + <c>.idx</c> and returns its id. The .pack is
    /// renamed first, the .idx (which marks a complete pack) second, each followed by an fsync of the directory.
    /// If a pack with that id exists already, the temp files are dropped and the id returned.
    /// </summary>
    public string Publish(string packsDirectory)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        string id = Id;
        _pack.Flush(flushToDisk: true);
        _pack.Dispose();
        _finished = true;
        string finalIndex = PackIndex.IndexPath(packsDirectory, id);
        if (File.Exists(finalIndex))
        {
            DeleteTemps();
            Published = true;
            return id;
        }
        DurableFiles.WriteNewFileSynced(_indexTemp, BuildIndex(), DurableFiles.ReadOnlyMode);
        DurableFiles.Rename(_packTemp, PackIndex.PackPath(packsDirectory, id));
        DurableFiles.SyncDirectory(packsDirectory);
        DurableFiles.Rename(_indexTemp, finalIndex);
        DurableFiles.SyncDirectory(packsDirectory);
        Published = true;
        return id;
    }

    public void Dispose()
    {
        if (!_finished)
        {
            _finished = true;
            _pack.Dispose();
        }
        if (!Published)
        {
            DeleteTemps();
        }
    }

    private byte[] BuildIndex()
    {
        long count = BlockCount;
        byte[] index = new byte[PackIndex.HeaderLength + count * PackIndex.EntryLength + SHA256.HashSizeInBytes];
        PackIndex.WriteHeader(index, count);
        ReadOnlySpan<byte> digests = _digests.GetBuffer().AsSpan(0, (int)_digests.Length);
        for (int i = 0; i < count; i++)
        {
            Span<byte> entry = index.AsSpan(PackIndex.HeaderLength + i * PackIndex.EntryLength, PackIndex.EntryLength);
            digests.Slice(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes).CopyTo(entry);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[SHA256.HashSizeInBytes..], _checksums[i]);
        }
        SHA256.HashData(index.AsSpan(0, index.Length - SHA256.HashSizeInBytes), index.AsSpan(index.Length - SHA256.HashSizeInBytes));
        return index;
    }

    private void DeleteTemps()
    {
        File.Delete(_packTemp);
        File.Delete(_indexTemp);
    }
}
