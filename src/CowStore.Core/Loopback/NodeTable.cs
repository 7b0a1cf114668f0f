using CowStore.Core.Posix;
using CowStore.Fuse;

namespace CowStore.Core.Loopback;

/// <summary>
/// Node ids handed to the kernel, keyed both by id and by (st_dev, st_ino): every name of a hard-linked
/// inode maps to the same node, so the kernel sees one inode with the right st_nlink. Ids are never
/// reused. The lock covers dictionary updates only, never a syscall.
/// </summary>
internal sealed class NodeTable : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, LoopbackNode> _byId = [];
    private readonly Dictionary<(ulong Dev, ulong Ino), LoopbackNode> _byInode = [];
    private ulong _nextId = IFuseFileSystem.RootNodeId + 1;

    /// <summary>Creates the table with the root node (id 1, implicitly looked up once by the kernel).</summary>
    public NodeTable(SafeFd rootFd, ulong dev, ulong ino)
    {
        var root = new LoopbackNode(IFuseFileSystem.RootNodeId, rootFd, dev, ino) { LookupCount = 1 };
        _byId.Add(root.Id, root);
        _byInode.Add((dev, ino), root);
    }

    /// <summary>Live nodes, the root included.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>
    /// The O_PATH fd of <paramref name="id"/>. The kernel never sends FORGET for a node while a request
    /// on it is in flight, so the fd stays open for the duration of the caller's request.
    /// </summary>
    public bool TryGetFd(ulong id, out int fd)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out LoopbackNode? node))
            {
                fd = node.PathFd.Fd;
                return true;
            }
        }
        fd = -1;
        return false;
    }

    /// <summary>Adds one lookup to the node of an inode already known; its id, or 0 if the inode has no node.</summary>
    public ulong TryAddLookup(ulong dev, ulong ino)
    {
        lock (_lock)
        {
            if (_byInode.TryGetValue((dev, ino), out LoopbackNode? node))
            {
                node.LookupCount++;
                return node.Id;
            }
        }
        return 0;
    }

    /// <summary>
    /// Adds one lookup to the node of (<paramref name="dev"/>, <paramref name="ino"/>), creating it around
    /// <paramref name="pathFd"/>; if another thread created it first, <paramref name="pathFd"/> is closed.
    /// </summary>
    public ulong AddLookup(SafeFd pathFd, ulong dev, ulong ino)
    {
        LoopbackNode? existing;
        lock (_lock)
        {
            if (!_byInode.TryGetValue((dev, ino), out existing))
            {
                var node = new LoopbackNode(_nextId++, pathFd, dev, ino) { LookupCount = 1 };
                _byId.Add(node.Id, node);
                _byInode.Add((dev, ino), node);
                return node.Id;
            }
            existing.LookupCount++;
        }
        pathFd.Dispose();
        return existing.Id;
    }

    /// <summary>Drops <paramref name="count"/> lookups; at zero the node is removed and its fd closed (never the root's).</summary>
    public void Forget(ulong id, ulong count)
    {
        LoopbackNode? freed = null;
        lock (_lock)
        {
            if (!_byId.TryGetValue(id, out LoopbackNode? node))
            {
                return;
            }
            node.LookupCount = count >= node.LookupCount ? 0 : node.LookupCount - count;
            if (node.LookupCount == 0 && id != IFuseFileSystem.RootNodeId)
            {
                _byId.Remove(id);
                _byInode.Remove((node.Dev, node.Ino));
                freed = node;
            }
        }
        freed?.PathFd.Dispose();
    }

    /// <summary>The lookup count of <paramref name="id"/>, or 0 if it is not in the table (for tests and diagnostics).</summary>
    public ulong LookupCountOf(ulong id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out LoopbackNode? node) ? node.LookupCount : 0;
        }
    }

    public void Dispose()
    {
        LoopbackNode[] nodes;
        lock (_lock)
        {
            nodes = [.. _byId.Values];
            _byId.Clear();
            _byInode.Clear();
        }
        foreach (LoopbackNode node in nodes)
        {
            node.PathFd.Dispose();
        }
    }
}
