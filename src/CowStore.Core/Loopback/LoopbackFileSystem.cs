using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Loopback;

/// <summary>
/// Serves a real directory exactly as it is, one syscall per FUSE operation: the reference backend
/// that proves the FUSE layer and that the POSIX conformance suite compares against the directory
/// itself. Nodes are keyed by (st_dev, st_ino) and pinned by O_PATH fds; file handles are real fds.
/// </summary>
[SkipLocalsInit]
public sealed unsafe partial class LoopbackFileSystem : IFuseFileSystem, IDisposable
{
    private const int ESTALE = 116;

    // The backing directory may change only through us while mounted, but another process could
    // still touch it: one second keeps the kernel's caches short-lived.
    private const ulong EntryTimeoutSeconds = 1;
    private const ulong AttrTimeoutSeconds = 1;

    private readonly NodeTable _nodes;
    private readonly ConcurrentDictionary<ulong, OpenFile> _files = new();
    private readonly ConcurrentDictionary<ulong, OpenDirectory> _directories = new();
    private readonly bool _runsAsRoot = Libc.GetEUid() == 0;
    private long _nextHandle;
    private volatile bool _writebackCache;

    /// <summary>Opens <paramref name="rootPath"/> as the root of the served tree.</summary>
    /// <exception cref="IOException">The directory cannot be opened.</exception>
    public LoopbackFileSystem(string rootPath)
    {
        RootPath = Path.GetFullPath(rootPath);
        byte[] path = Encoding.UTF8.GetBytes(RootPath + "\0");
        int fd;
        fixed (byte* p = path)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, p, O_PATH | O_DIRECTORY, 0);
        }
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {RootPath}: errno {-fd}", -fd);
        }
        var rootFd = new SafeFd(fd);
        if (Libc.FStatAt(fd, CPath.Empty, out Stat stat, AT_EMPTY_PATH) != 0)
        {
            int errno = Libc.Errno;
            rootFd.Dispose();
            throw new IOException($"cannot stat directory {RootPath}: errno {errno}", errno);
        }
        _nodes = new NodeTable(rootFd, stat.Dev, stat.Ino);
    }

    /// <summary>The served directory.</summary>
    public string RootPath { get; }

    /// <summary>Nodes the kernel may still name (root included); drops back as FORGETs arrive.</summary>
    internal int NodeCount => _nodes.Count;

    internal ulong LookupCountOf(ulong nodeId) => _nodes.LookupCountOf(nodeId);

    internal int OpenHandleCount => _files.Count + _directories.Count;

    public void Init(FuseConnection connection) => _writebackCache = connection.WritebackCacheEnabled;

    public void Destroy() => Dispose();

    public void Dispose()
    {
        foreach (ulong fh in _files.Keys)
        {
            if (_files.TryRemove(fh, out OpenFile? file))
            {
                file.Fd.Dispose();
            }
        }
        foreach (ulong fh in _directories.Keys)
        {
            if (_directories.TryRemove(fh, out OpenDirectory? directory))
            {
                directory.Fd.Dispose();
            }
        }
        _nodes.Dispose();
    }

    public int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ref FuseEntryOut entry)
    {
        if (!_nodes.TryGetFd(parent, out int parentFd))
        {
            return -ESTALE;
        }
        Span<byte> nameBuffer = stackalloc byte[CPath.MaxSize];
        if (!CPath.TryTerminate(name, nameBuffer))
        {
            return -Errno.ENAMETOOLONG;
        }
        fixed (byte* n = nameBuffer)
        {
            return LookupAt(parentFd, n, ref entry);
        }
    }

    public void Forget(ulong nodeId, ulong lookupCount) => _nodes.Forget(nodeId, lookupCount);

    public int GetAttr(in FuseRequest request, ulong nodeId, ulong fh, ref FuseAttrOut attr)
    {
        int rc = fh != 0 && _files.TryGetValue(fh, out OpenFile? file)
            ? StatFd(file.Fd.Fd, out Stat stat)
            : StatNode(nodeId, out stat);
        if (rc != 0)
        {
            return rc;
        }
        FillAttr(ref attr, stat);
        return 0;
    }

    public int SetAttr(in FuseRequest request, ulong nodeId, in FuseSetAttrIn set, ref FuseAttrOut attr)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        var valid = (SetAttrValid)set.Valid;
        OpenFile? file = null;
        if ((valid & SetAttrValid.Fh) != 0)
        {
            _files.TryGetValue(set.Fh, out file);
        }
        Span<byte> proc = stackalloc byte[CPath.ProcFdSize];
        CPath.ProcFd(nodeFd, proc);
        fixed (byte* procPath = proc)
        {
            if ((valid & SetAttrValid.Mode) != 0)
            {
                int rc = file is not null ? Libc.FChmod(file.Fd.Fd, set.Mode & 0xFFF) : Libc.FChmodAt(AT_FDCWD, procPath, set.Mode & 0xFFF, 0);
                if (rc != 0)
                {
                    return Libc.NegErrno;
                }
            }
            if ((valid & (SetAttrValid.Uid | SetAttrValid.Gid)) != 0)
            {
                uint uid = (valid & SetAttrValid.Uid) != 0 ? set.Uid : uint.MaxValue;
                uint gid = (valid & SetAttrValid.Gid) != 0 ? set.Gid : uint.MaxValue;
                if (Libc.FChownAt(nodeFd, CPath.Empty, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
                {
                    return Libc.NegErrno;
                }
            }
            if ((valid & SetAttrValid.Size) != 0)
            {
                int rc = file is not null ? Libc.FTruncate(file.Fd.Fd, (long)set.Size) : Libc.Truncate(procPath, (long)set.Size);
                if (rc != 0)
                {
                    return Libc.NegErrno;
                }
            }
            if ((valid & (SetAttrValid.Atime | SetAttrValid.Mtime | SetAttrValid.AtimeNow | SetAttrValid.MtimeNow)) != 0)
            {
                TimeSpec* times = stackalloc TimeSpec[2];
                times[0] = TimeFrom(valid, SetAttrValid.Atime, SetAttrValid.AtimeNow, set.Atime, set.AtimeNsec);
                times[1] = TimeFrom(valid, SetAttrValid.Mtime, SetAttrValid.MtimeNow, set.Mtime, set.MtimeNsec);
                if (Libc.UtimensAt(nodeFd, CPath.Empty, times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
                {
                    return Libc.NegErrno;
                }
            }
        }
        // Answer from the backing inode itself, never from what was asked (sizes must be authoritative).
        int statRc = file is not null ? StatFd(file.Fd.Fd, out Stat stat) : StatFd(nodeFd, out stat);
        if (statRc != 0)
        {
            return statRc;
        }
        FillAttr(ref attr, stat);
        return 0;
    }

    public int StatFs(in FuseRequest request, ulong nodeId, ref FuseKStatfs statfs)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        if (Libc.FStatFs(nodeFd, out StatFs fs) != 0)
        {
            return Libc.NegErrno;
        }
        statfs.Blocks = fs.Blocks;
        statfs.Bfree = fs.BlocksFree;
        statfs.Bavail = fs.BlocksAvailable;
        statfs.Files = fs.Files;
        statfs.Ffree = fs.FilesFree;
        statfs.Bsize = (uint)fs.BlockSize;
        statfs.NameLen = (uint)fs.NameLength;
        statfs.Frsize = (uint)fs.FragmentSize;
        return 0;
    }

    public int Access(in FuseRequest request, ulong nodeId, int mask)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            return -ESTALE;
        }
        // The daemon's own credentials; with default_permissions the kernel checks the caller itself.
        return Libc.FAccessAt(nodeFd, CPath.Empty, mask, AT_EMPTY_PATH) == 0 ? 0 : Libc.NegErrno;
    }

    /// <summary>Looks up a NUL-terminated name in a directory fd and counts one lookup of its node.</summary>
    private int LookupAt(int parentFd, byte* name, ref FuseEntryOut entry)
    {
        if (Libc.FStatAt(parentFd, name, out Stat stat, AT_SYMLINK_NOFOLLOW) != 0)
        {
            return Libc.NegErrno;
        }
        ulong id = _nodes.TryAddLookup(stat.Dev, stat.Ino);
        if (id == 0)
        {
            // Unknown inode: pin it with an O_PATH fd and stat that fd, so the key and the fd agree
            // even if the name was replaced since the fstatat above.
            int fd = PosixIo.OpenAt(parentFd, name, O_PATH | O_NOFOLLOW, 0);
            if (fd < 0)
            {
                return fd;
            }
            var pathFd = new SafeFd(fd);
            if (Libc.FStatAt(fd, CPath.Empty, out stat, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            {
                int rc = Libc.NegErrno;
                pathFd.Dispose();
                return rc;
            }
            id = _nodes.AddLookup(pathFd, stat.Dev, stat.Ino);
        }
        entry.NodeId = id;
        entry.Generation = 0;
        entry.EntryValid = EntryTimeoutSeconds;
        entry.EntryValidNsec = 0;
        entry.AttrValid = AttrTimeoutSeconds;
        entry.AttrValidNsec = 0;
        ToFuseAttr(stat, ref entry.Attr);
        return 0;
    }

    private int StatNode(ulong nodeId, out Stat stat)
    {
        if (!_nodes.TryGetFd(nodeId, out int nodeFd))
        {
            stat = default;
            return -ESTALE;
        }
        return StatFd(nodeFd, out stat);
    }

    /// <summary>fstat of any fd, O_PATH ones included.</summary>
    private static int StatFd(int fd, out Stat stat) =>
        Libc.FStatAt(fd, CPath.Empty, out stat, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Libc.NegErrno;

    private static void FillAttr(ref FuseAttrOut attr, in Stat stat)
    {
        attr.AttrValid = AttrTimeoutSeconds;
        attr.AttrValidNsec = 0;
        ToFuseAttr(stat, ref attr.Attr);
    }

    internal static void ToFuseAttr(in Stat stat, ref FuseAttr attr)
    {
        attr.Ino = stat.Ino;
        attr.Size = (ulong)stat.Size;
        attr.Blocks = (ulong)stat.Blocks;
        attr.Atime = (ulong)stat.Atime.Sec;
        attr.AtimeNsec = (uint)stat.Atime.Nsec;
        attr.Mtime = (ulong)stat.Mtime.Sec;
        attr.MtimeNsec = (uint)stat.Mtime.Nsec;
        attr.Ctime = (ulong)stat.Ctime.Sec;
        attr.CtimeNsec = (uint)stat.Ctime.Nsec;
        attr.Mode = stat.Mode;
        attr.Nlink = (uint)stat.Nlink;
        attr.Uid = stat.Uid;
        attr.Gid = stat.Gid;
        // glibc's dev_t and the kernel's new_encode_dev agree in the low 32 bits for majors below 4096.
        attr.Rdev = (uint)stat.Rdev;
        attr.BlkSize = (uint)stat.BlkSize;
        attr.Flags = 0;
    }

    private static TimeSpec TimeFrom(SetAttrValid valid, SetAttrValid set, SetAttrValid now, ulong seconds, uint nanoseconds)
    {
        if ((valid & now) != 0)
        {
            return new TimeSpec { Nsec = TimeSpec.UtimeNow };
        }
        if ((valid & set) != 0)
        {
            return new TimeSpec { Sec = (long)seconds, Nsec = nanoseconds };
        }
        return new TimeSpec { Nsec = TimeSpec.UtimeOmit };
    }

    private ulong NextHandle() => (ulong)Interlocked.Increment(ref _nextHandle);
}
