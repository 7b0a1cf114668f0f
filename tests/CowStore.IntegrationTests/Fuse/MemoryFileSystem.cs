using System.Text;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;

namespace CowStore.IntegrationTests.Fuse;

/// <summary>
/// A small in-memory filesystem for exercising the FUSE transport through real mounts. One lock, no
/// durability; names are decoded to strings (fine for tests, not for a real filesystem).
/// </summary>
internal sealed class MemoryFileSystem : IFuseFileSystem
{
    private const uint S_IFDIR = 0x4000;
    private const uint S_IFREG = 0x8000;
    private const uint S_IFLNK = 0xA000;
    private const uint S_IFMT = 0xF000;

    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Node> _nodes = [];
    private ulong _nextId = 2;
    private ulong _nextHandle = 1;
    private int _fsyncs;
    private int _fsyncDirs;
    private int _reads;
    private int _backingIdsOpen;
    private readonly Dictionary<ulong, int> _backingIdByHandle = [];

    public MemoryFileSystem()
    {
        _nodes[IFuseFileSystem.RootNodeId] = new Node(IFuseFileSystem.RootNodeId, S_IFDIR | 0x1FF) { Nlink = 2 };
    }

    /// <summary>Names that make the handler throw, to check the EIO path.</summary>
    public const string ThrowingName = "throw-in-handler";

    /// <summary>Names answered with a cacheable negative entry instead of ENOENT.</summary>
    public const string NegativeName = "cached-negative";

    public FuseConnection? Connection { get; private set; }

    /// <summary>When set, OPEN of a regular file is passed through to this real file (FUSE passthrough).</summary>
    public string? PassthroughBackingFile { get; set; }

    public int ReadCalls => Volatile.Read(ref _reads);

    public int BackingIdsOpen => Volatile.Read(ref _backingIdsOpen);

    public int InitCalls { get; private set; }

    public int DestroyCalls { get; private set; }

    public int FsyncCalls => Volatile.Read(ref _fsyncs);

    public int FsyncDirCalls => Volatile.Read(ref _fsyncDirs);

    public void Init(FuseConnection connection)
    {
        Connection = connection;
        InitCalls++;
    }

    public void Destroy() => DestroyCalls++;

    public int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ref FuseEntryOut entry)
    {
        string text = Encoding.UTF8.GetString(name);
        if (text == ThrowingName)
        {
            throw new InvalidOperationException("handler failure requested by the test");
        }
        lock (_lock)
        {
            if (!_nodes.TryGetValue(parent, out Node? dir) || dir.Children is null)
            {
                return -Errno.ENOTDIR;
            }
            if (!dir.Children.TryGetValue(text, out ulong id))
            {
                if (text == NegativeName)
                {
                    entry.NodeId = 0;
                    entry.EntryValid = 60;
                    return 0;
                }
                return -Errno.ENOENT;
            }
            FillEntry(_nodes[id], ref entry);
            return 0;
        }
    }

    public void Forget(ulong nodeId, ulong lookupCount)
    {
    }

    public int GetAttr(in FuseRequest request, ulong nodeId, ulong fh, ref FuseAttrOut attr)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out Node? node))
            {
                return -Errno.ENOENT;
            }
            attr.AttrValid = 1;
            FillAttr(node, ref attr.Attr);
            return 0;
        }
    }

    public int SetAttr(in FuseRequest request, ulong nodeId, in FuseSetAttrIn set, ref FuseAttrOut attr)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out Node? node))
            {
                return -Errno.ENOENT;
            }
            var valid = (SetAttrValid)set.Valid;
            if (valid.HasFlag(SetAttrValid.Mode))
            {
                node.Mode = (node.Mode & S_IFMT) | (set.Mode & 0xFFF);
            }
            if (valid.HasFlag(SetAttrValid.Size))
            {
                node.Resize((long)set.Size);
            }
            if (valid.HasFlag(SetAttrValid.Mtime))
            {
                node.Mtime = set.Mtime;
            }
            attr.AttrValid = 1;
            FillAttr(node, ref attr.Attr);
            return 0;
        }
    }

    public int ReadLink(in FuseRequest request, ulong nodeId, Span<byte> target)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out Node? node) || node.Target is null)
            {
                return -Errno.EINVAL;
            }
            byte[] bytes = Encoding.UTF8.GetBytes(node.Target);
            bytes.CopyTo(target);
            return bytes.Length;
        }
    }

    public int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, ref FuseEntryOut entry)
    {
        string link = Encoding.UTF8.GetString(target);
        return AddChild(parent, name, S_IFLNK | 0x1FF, ref entry, node => node.Target = link);
    }

    public int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint rdev, uint umask, ref FuseEntryOut entry) =>
        (mode & S_IFMT) == S_IFREG ? AddChild(parent, name, mode, ref entry, null) : -Errno.EPERM;

    public int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint umask, ref FuseEntryOut entry)
    {
        if ((mode & S_IFMT) != S_IFDIR)
        {
            return -Errno.EINVAL; // the server must hand us a full directory mode
        }
        return AddChild(parent, name, mode, ref entry, null);
    }

    public int Unlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => RemoveChild(parent, name, directory: false);

    public int Rmdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => RemoveChild(parent, name, directory: true);

    public int Rename(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags)
    {
        string from = Encoding.UTF8.GetString(name);
        string to = Encoding.UTF8.GetString(newName);
        lock (_lock)
        {
            Node source = _nodes[parent];
            Node destination = _nodes[newParent];
            if (source.Children is null || destination.Children is null || !source.Children.TryGetValue(from, out ulong id))
            {
                return -Errno.ENOENT;
            }
            if (flags != 0)
            {
                return -Errno.EINVAL;
            }
            if (destination.Children.TryGetValue(to, out ulong replaced))
            {
                _nodes[replaced].Nlink--;
            }
            source.Children.Remove(from);
            destination.Children[to] = id;
            return 0;
        }
    }

    public int Link(in FuseRequest request, ulong nodeId, ulong newParent, ReadOnlySpan<byte> newName, ref FuseEntryOut entry)
    {
        string text = Encoding.UTF8.GetString(newName);
        lock (_lock)
        {
            Node node = _nodes[nodeId];
            Node dir = _nodes[newParent];
            if (dir.Children!.ContainsKey(text))
            {
                return -Errno.EEXIST;
            }
            dir.Children[text] = nodeId;
            node.Nlink++;
            FillEntry(node, ref entry);
            return 0;
        }
    }

    public int Open(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out Node? node))
            {
                return -Errno.ENOENT;
            }
            if ((flags & 0x200) != 0) // O_TRUNC (ATOMIC_O_TRUNC)
            {
                node.Resize(0);
            }
            open.Fh = _nextHandle++;
            return PassThrough(ref open);
        }
    }

    /// <summary>Registers the backing file and answers FOPEN_PASSTHROUGH; the fd can close once registered.</summary>
    private int PassThrough(ref FuseOpenOut open)
    {
        if (PassthroughBackingFile is null || Connection is not { PassthroughEnabled: true } connection)
        {
            return 0;
        }
        using Microsoft.Win32.SafeHandles.SafeFileHandle backing = File.OpenHandle(PassthroughBackingFile, FileMode.Open, FileAccess.ReadWrite);
        int result = connection.OpenBackingFile((int)backing.DangerousGetHandle(), out int backingId);
        if (result < 0)
        {
            return result;
        }
        open.OpenFlags |= (uint)OpenFlags.Passthrough;
        open.BackingId = backingId;
        _backingIdByHandle[open.Fh] = backingId;
        Interlocked.Increment(ref _backingIdsOpen);
        return 0;
    }

    public int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, int flags, uint mode, uint umask, ref FuseEntryOut entry, ref FuseOpenOut open)
    {
        int result = AddChild(parent, name, mode, ref entry, null);
        if (result == 0)
        {
            lock (_lock)
            {
                open.Fh = _nextHandle++;
            }
        }
        return result;
    }

    public int Read(in FuseRequest request, ulong nodeId, ulong fh, long offset, Span<byte> buffer)
    {
        Interlocked.Increment(ref _reads);
        lock (_lock)
        {
            Node node = _nodes[nodeId];
            if (offset >= node.Length)
            {
                return 0;
            }
            int count = (int)Math.Min(buffer.Length, node.Length - offset);
            node.Data.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }
    }

    public int Write(in FuseRequest request, ulong nodeId, ulong fh, long offset, ReadOnlySpan<byte> data, uint writeFlags)
    {
        lock (_lock)
        {
            Node node = _nodes[nodeId];
            long end = offset + data.Length;
            if (end > node.Length)
            {
                node.Resize(end);
            }
            data.CopyTo(node.Data.AsSpan((int)offset));
            return data.Length;
        }
    }

    public int Flush(in FuseRequest request, ulong nodeId, ulong fh, ulong lockOwner) => 0;

    public int Release(in FuseRequest request, ulong nodeId, ulong fh, int flags)
    {
        lock (_lock)
        {
            if (_backingIdByHandle.Remove(fh, out int backingId))
            {
                Interlocked.Decrement(ref _backingIdsOpen);
                return Connection!.CloseBackingFile(backingId);
            }
            return 0;
        }
    }

    public int Fsync(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        Interlocked.Increment(ref _fsyncs);
        return 0;
    }

    public int OpenDir(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        lock (_lock)
        {
            open.Fh = _nextHandle++;
            return 0;
        }
    }

    public int ReadDir(in FuseRequest request, ulong nodeId, ulong fh, long offset, ref DirectoryEntryWriter writer)
    {
        lock (_lock)
        {
            Node dir = _nodes[nodeId];
            var names = new List<(string Name, ulong Id)> { (".", nodeId), ("..", nodeId) };
            names.AddRange(dir.Children!.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)));
            for (int i = (int)offset; i < names.Count; i++)
            {
                (string name, ulong id) = names[i];
                Node node = _nodes[id];
                byte[] bytes = Encoding.UTF8.GetBytes(name);
                bool added;
                if (writer.IsPlus)
                {
                    var entry = new FuseEntryOut();
                    FillEntry(node, ref entry);
                    if (i < 2)
                    {
                        entry.NodeId = 0; // "." and ".." carry no lookup
                    }
                    added = writer.TryAddPlus(bytes, in entry, i + 1);
                }
                else
                {
                    added = writer.TryAdd(bytes, node.Id, node.Mode >> 12, i + 1);
                }
                if (!added)
                {
                    break;
                }
            }
            return 0;
        }
    }

    public int ReleaseDir(in FuseRequest request, ulong nodeId, ulong fh) => 0;

    public int FsyncDir(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        Interlocked.Increment(ref _fsyncDirs);
        return 0;
    }

    public int StatFs(in FuseRequest request, ulong nodeId, ref FuseKStatfs statfs)
    {
        statfs.Blocks = 1 << 20;
        statfs.Bfree = 1 << 19;
        statfs.Bavail = 1 << 19;
        statfs.Files = 1000;
        statfs.Ffree = 900;
        statfs.Bsize = 4096;
        statfs.Frsize = 4096;
        statfs.NameLen = 255;
        return 0;
    }

    public int Access(in FuseRequest request, ulong nodeId, int mask) => 0;

    public int SetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags)
    {
        lock (_lock)
        {
            _nodes[nodeId].Xattrs[Encoding.UTF8.GetString(name)] = value.ToArray();
            return 0;
        }
    }

    public int GetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, Span<byte> value)
    {
        lock (_lock)
        {
            if (!_nodes[nodeId].Xattrs.TryGetValue(Encoding.UTF8.GetString(name), out byte[]? stored))
            {
                return -Errno.ENODATA;
            }
            if (value.Length == 0)
            {
                return stored.Length;
            }
            if (value.Length < stored.Length)
            {
                return -Errno.ERANGE;
            }
            stored.CopyTo(value);
            return stored.Length;
        }
    }

    public int ListXattr(in FuseRequest request, ulong nodeId, Span<byte> list)
    {
        lock (_lock)
        {
            byte[] names = Encoding.UTF8.GetBytes(string.Concat(_nodes[nodeId].Xattrs.Keys.Select(key => key + "\0")));
            if (list.Length == 0)
            {
                return names.Length;
            }
            if (list.Length < names.Length)
            {
                return -Errno.ERANGE;
            }
            names.CopyTo(list);
            return names.Length;
        }
    }

    public int RemoveXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name)
    {
        lock (_lock)
        {
            return _nodes[nodeId].Xattrs.Remove(Encoding.UTF8.GetString(name)) ? 0 : -Errno.ENODATA;
        }
    }

    public int Fallocate(in FuseRequest request, ulong nodeId, ulong fh, int mode, long offset, long length)
    {
        if (mode != 0)
        {
            return -Errno.EOPNOTSUPP;
        }
        lock (_lock)
        {
            Node node = _nodes[nodeId];
            if (offset + length > node.Length)
            {
                node.Resize(offset + length);
            }
            return 0;
        }
    }

    public int Lseek(in FuseRequest request, ulong nodeId, ulong fh, long offset, int whence, out long result)
    {
        result = 0;
        return -Errno.ENOSYS;
    }

    public long CopyFileRange(in FuseRequest request, ulong nodeIn, ulong fhIn, long offsetIn, ulong nodeOut, ulong fhOut, long offsetOut, long length, ulong flags) =>
        -Errno.ENOSYS;

    private int AddChild(ulong parent, ReadOnlySpan<byte> name, uint mode, ref FuseEntryOut entry, Action<Node>? setup)
    {
        string text = Encoding.UTF8.GetString(name);
        lock (_lock)
        {
            if (!_nodes.TryGetValue(parent, out Node? dir) || dir.Children is null)
            {
                return -Errno.ENOTDIR;
            }
            if (dir.Children.ContainsKey(text))
            {
                return -Errno.EEXIST;
            }
            var node = new Node(_nextId++, mode);
            if ((mode & S_IFMT) == S_IFDIR)
            {
                node.Nlink = 2;
            }
            setup?.Invoke(node);
            _nodes[node.Id] = node;
            dir.Children[text] = node.Id;
            FillEntry(node, ref entry);
            return 0;
        }
    }

    private int RemoveChild(ulong parent, ReadOnlySpan<byte> name, bool directory)
    {
        string text = Encoding.UTF8.GetString(name);
        lock (_lock)
        {
            Node dir = _nodes[parent];
            if (!dir.Children!.TryGetValue(text, out ulong id))
            {
                return -Errno.ENOENT;
            }
            Node node = _nodes[id];
            if (directory != (node.Children is not null))
            {
                return directory ? -Errno.ENOTDIR : -Errno.EISDIR;
            }
            if (directory && node.Children!.Count > 0)
            {
                return -Errno.ENOTEMPTY;
            }
            dir.Children.Remove(text);
            node.Nlink--;
            return 0;
        }
    }

    private static void FillEntry(Node node, ref FuseEntryOut entry)
    {
        entry.NodeId = node.Id;
        entry.EntryValid = 1;
        entry.AttrValid = 1;
        FillAttr(node, ref entry.Attr);
    }

    private static void FillAttr(Node node, ref FuseAttr attr)
    {
        attr.Ino = node.Id;
        attr.Mode = node.Mode;
        attr.Nlink = node.Nlink;
        // Everything belongs to whoever serves (and uses) the mount, so the kernel's
        // default_permissions checks pass for an unprivileged test run too.
        attr.Uid = Infrastructure.Sys.EUid;
        attr.Gid = Infrastructure.Sys.EGid;
        attr.Size = node.Target is { } target ? (ulong)Encoding.UTF8.GetByteCount(target) : (ulong)node.Length;
        attr.Blocks = (attr.Size + 511) / 512;
        attr.BlkSize = 4096;
        attr.Mtime = node.Mtime;
        attr.Ctime = node.Mtime;
        attr.Atime = node.Mtime;
    }

    private sealed class Node(ulong id, uint mode)
    {
        public ulong Id { get; } = id;

        public uint Mode { get; set; } = mode;

        public uint Nlink { get; set; } = 1;

        public ulong Mtime { get; set; } = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        public byte[] Data { get; private set; } = [];

        public long Length { get; private set; }

        public string? Target { get; set; }

        public Dictionary<string, ulong>? Children { get; } = (mode & S_IFMT) == S_IFDIR ? [] : null;

        public Dictionary<string, byte[]> Xattrs { get; } = [];

        public void Resize(long length)
        {
            if (length > Data.Length)
            {
                byte[] grown = new byte[Math.Max(length, Data.Length * 2L)];
                Data.AsSpan(0, (int)Length).CopyTo(grown);
                Data = grown;
            }
            else if (length < Length)
            {
                Data.AsSpan((int)length, (int)(Length - length)).Clear();
            }
            Length = length;
        }
    }
}
