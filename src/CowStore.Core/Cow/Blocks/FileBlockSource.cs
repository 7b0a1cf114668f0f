using CowStore.Core.Posix;

namespace CowStore.Core.Cow.Blocks;

/// <summary>A read-only base file used in place (never written).</summary>
public sealed class FileBlockSource : IBlockSource
{
    private readonly SafeFd _fd;

    private FileBlockSource(SafeFd fd) => _fd = fd;

    /// <exception cref="IOException">The file cannot be opened (errno in HResult).</exception>
    public static FileBlockSource Open(string path) => new(BlockIo.OpenOrThrow(path, PosixConstants.O_RDONLY));

    public int Read(Span<byte> destination, long offset) => BlockIo.PReadZeroFilled(_fd, destination, offset);

    public long Seek(long offset, int whence)
    {
        long found = Libc.LSeek(_fd.Fd, offset, whence);
        return found >= 0 ? found : Libc.NegErrno;
    }

    public void Prefetch(long offset, int length) => _ = Libc.PosixFadvise(_fd.Fd, offset, length, Libc.POSIX_FADV_WILLNEED);

    public void Dispose() => _fd.Dispose();
}
