using CowStore.Core.Posix;

namespace CowStore.Core.Loopback;

/// <summary>
/// One inode of the backing directory known to the kernel: an O_PATH fd that pins it (so its inode
/// number cannot be reused while the kernel may still name it) and the kernel's lookup count.
/// </summary>
internal sealed class LoopbackNode(ulong id, SafeFd pathFd, ulong dev, ulong ino)
{
    public ulong Id { get; } = id;

    /// <summary>O_PATH|O_NOFOLLOW fd of the inode; closed when the lookup count reaches zero.</summary>
    public SafeFd PathFd { get; } = pathFd;

    public ulong Dev { get; } = dev;

    public ulong Ino { get; } = ino;

    /// <summary>Guarded by the node table's lock.</summary>
    public ulong LookupCount { get; set; }
}
