using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Loopback;

// Directory handles: a snapshot listing per OPENDIR; READDIR cookies are index + 1.
public sealed unsafe partial class LoopbackFileSystem
{
    public int OpenDir(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        int fd;
        fixed (byte* procPath = proc)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, procPath, O_RDONLY | O_DIRECTORY, 0);
        }
        if (fd < 0)
        {
            return fd;
        }
        var directory = new OpenDirectory(new SafeFd(fd));
        int rc = directory.Refresh();
        if (rc != 0)
        {
            directory.Fd.Dispose();
            return rc;
        }
        ulong fh = NextHandle();
        _directories[fh] = directory;
        open.Fh = fh;
        open.OpenFlags = 0;
        open.BackingId = 0;
        return 0;
    }

    public int ReadDir(in FuseRequest request, ulong nodeId, ulong fh, long offset, ref DirectoryEntryWriter writer)
    {
        if (!_directories.TryGetValue(fh, out OpenDirectory? directory))
        {
            return -Errno.EBADF;
        }
        if (offset < 0)
        {
            return -Errno.EINVAL;
        }
        lock (directory.Gate)
        {
            if (offset == 0 && directory.Served)
            {
                // rewinddir(3): POSIX wants entries added or removed since opendir to show up now.
                int rc = directory.Refresh();
                if (rc != 0)
                {
                    return rc;
                }
            }
            directory.Served = true;
            IReadOnlyList<DirectoryEntry> entries = directory.Entries;
            for (long index = offset; index < entries.Count; index++)
            {
                DirectoryEntry item = entries[(int)index];
                bool added = writer.IsPlus
                    ? TryAddPlus(ref writer, directory.Fd.Fd, item, index + 1)
                    : writer.TryAdd(item.Name, item.Ino, item.Type, index + 1);
                if (!added)
                {
                    break;
                }
            }
        }
        return 0;
    }

    public int ReleaseDir(in FuseRequest request, ulong nodeId, ulong fh)
    {
        if (_directories.TryRemove(fh, out OpenDirectory? directory))
        {
            directory.Fd.Dispose();
        }
        return 0;
    }

    public int FsyncDir(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        if (_directories.TryGetValue(fh, out OpenDirectory? directory))
        {
            return PosixIo.Sync(directory.Fd.Fd, dataOnly);
        }
        return SyncNode(nodeId, O_RDONLY | O_DIRECTORY, dataOnly);
    }

    /// <summary>
    /// Adds a READDIRPLUS record. Each record with a node id counts as a lookup in the kernel, so the
    /// lookup taken here is dropped again when the record does not fit. "." and ".." (and entries that
    /// vanished since the snapshot) go out with node id 0: a plain entry the kernel does not instantiate.
    /// </summary>
    private bool TryAddPlus(ref DirectoryEntryWriter writer, int directoryFd, in DirectoryEntry item, long nextOffset)
    {
        FuseEntryOut entry = default;
        bool counted = false;
        if (!item.IsDotOrDotDot)
        {
            Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
            if (CPath.TryTerminate(item.Name, nameBuffer))
            {
                fixed (byte* n = nameBuffer)
                {
                    counted = LookupAt(directoryFd, n, ref entry) == 0;
                }
            }
        }
        if (!counted)
        {
            entry = default;
            entry.Attr.Ino = item.Ino;
            entry.Attr.Mode = (uint)item.Type << 12;
        }
        if (writer.TryAddPlus(item.Name, entry, nextOffset))
        {
            return true;
        }
        if (counted)
        {
            _nodes.Forget(entry.NodeId, 1);
        }
        return false;
    }
}
