namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// Read-only content under a <see cref="BlockFile"/>'s delta: a base file used in place, or a file of a
/// committed snapshot (base blocks, stored blocks and zero runs). Owned and disposed by the BlockFile.
/// </summary>
public interface IBlockSource : IDisposable
{
    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; bytes past the source's end read as zeros. 0 or -errno (EIO for a block that fails verification: never wrong data).</summary>
    int Read(Span<byte> destination, long offset);

    /// <summary>lseek(2) SEEK_DATA/SEEK_HOLE over this source: the offset found, or -errno (-ENXIO when there is no data at or after <paramref name="offset"/>, or for SEEK_HOLE past the end).</summary>
    long Seek(long offset, int whence);

    /// <summary>Starts reading a range in the background (posix_fadvise WILLNEED), so many scattered reads overlap; advice only.</summary>
    void Prefetch(long offset, int length)
    {
    }
}
