using CowStore.Core.Posix;

namespace CowStore.Core.Loopback;

/// <summary>A real fd behind one FUSE file handle.</summary>
internal sealed class OpenFile(SafeFd fd, int flags)
{
    public SafeFd Fd { get; } = fd;

    /// <summary>The flags the backing fd was opened with.</summary>
    public int Flags { get; } = flags;

    /// <summary>O_DIRECT fds need aligned buffers; unaligned payloads go through a bounce buffer.</summary>
    public bool IsDirect => (Flags & PosixConstants.O_DIRECT) != 0;
}
