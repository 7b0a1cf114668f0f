using CowStore.Core.Cow.Blocks;
using CowStore.Fuse;

namespace CowStore.Core.Snapshots;

/// <summary>A regular file of a <see cref="SnapshotTree"/> opened for reading.</summary>
public sealed class SnapshotTreeFile : IDisposable
{
    private readonly IBlockSource? _content; // null: an empty file

    internal SnapshotTreeFile(string path, long size, IBlockSource? content)
    {
        Path = path;
        Size = size;
        _content = content;
    }

    public string Path { get; }

    public long Size { get; }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/> (zeros past the end).</summary>
    /// <exception cref="IOException">The read failed; EIO for a damaged stored block (HResult is the errno).</exception>
    public void Read(Span<byte> destination, long offset)
    {
        if (_content is null)
        {
            destination.Clear();
            return;
        }
        SnapshotTree.Check(_content.Read(destination, offset), "read", Path);
    }

    /// <summary>The first offset at or after <paramref name="offset"/> that holds data, or <see cref="Size"/> when only holes follow.</summary>
    public long NextData(long offset)
    {
        if (_content is null || offset >= Size)
        {
            return Size;
        }
        long found = _content.Seek(offset, BlockIo.SEEK_DATA);
        if (found == -Errno.ENXIO)
        {
            return Size;
        }
        if (found < 0)
        {
            return offset; // no hole information: treat everything as data
        }
        return Math.Min(found, Size);
    }

    public void Dispose() => _content?.Dispose();
}
