using System.Text;
using CowStore.Core.Posix;
using CowStore.Fuse;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Extended attributes: base xattrs are visible; changes copy the inode's metadata into its record.
public sealed partial class CowFileSystem
{
    public int SetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags)
    {
        string key = Encoding.UTF8.GetString(name);
        if (key.StartsWith("system.", StringComparison.Ordinal))
        {
            // POSIX ACLs would need enforcement we do not do; refuse rather than store them unenforced.
            return -Errno.EOPNOTSUPP;
        }
        byte[] bytes = value.ToArray();
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            int rc = EnsureRecord(node.Ino, node.Origin, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            bool exists = record.Xattrs.ContainsKey(key);
            if ((flags & XATTR_CREATE) != 0 && exists)
            {
                return -Errno.EEXIST;
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists)
            {
                return -Errno.ENODATA;
            }
            InodeRecord changed = record.Clone();
            changed.Xattrs[key] = bytes;
            changed.TouchChanged();
            return Commit([new PutInodeOp(changed)]);
        }
    }

    public int GetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, Span<byte> value)
    {
        string key = Encoding.UTF8.GetString(name);
        byte[]? found;
        lock (_ns)
        {
            int rc = XattrsOf(nodeId, out Dictionary<string, byte[]> xattrs);
            if (rc != 0)
            {
                return rc;
            }
            xattrs.TryGetValue(key, out found);
        }
        if (found is null)
        {
            return -Errno.ENODATA;
        }
        if (value.Length == 0)
        {
            return found.Length;
        }
        if (value.Length < found.Length)
        {
            return -Errno.ERANGE;
        }
        found.CopyTo(value);
        return found.Length;
    }

    public int ListXattr(in FuseRequest request, ulong nodeId, Span<byte> list)
    {
        byte[] names;
        lock (_ns)
        {
            int rc = XattrsOf(nodeId, out Dictionary<string, byte[]> xattrs);
            if (rc != 0)
            {
                return rc;
            }
            names = Encoding.UTF8.GetBytes(string.Concat(xattrs.Keys.Order(StringComparer.Ordinal).Select(k => k + "\0")));
        }
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

    public int RemoveXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name)
    {
        string key = Encoding.UTF8.GetString(name);
        lock (_ns)
        {
            int rc = XattrsOf(nodeId, out Dictionary<string, byte[]> xattrs);
            if (rc != 0)
            {
                return rc;
            }
            if (!xattrs.ContainsKey(key))
            {
                return -Errno.ENODATA;
            }
            TryGetNode(nodeId, out CowNode node);
            rc = EnsureRecord(node.Ino, node.Origin, out InodeRecord record);
            if (rc != 0)
            {
                return rc;
            }
            InodeRecord changed = record.Clone();
            changed.Xattrs.Remove(key);
            changed.TouchChanged();
            return Commit([new PutInodeOp(changed)]);
        }
    }

    /// <summary>The xattrs of a node: its record's, or the base object's (read, not copied).</summary>
    private int XattrsOf(ulong nodeId, out Dictionary<string, byte[]> xattrs)
    {
        xattrs = null!;
        if (!TryGetNode(nodeId, out CowNode node))
        {
            return -Errno.ENOENT;
        }
        if (_state.Inodes.TryGetValue(node.Ino, out InodeRecord? record))
        {
            xattrs = record.Xattrs;
            return 0;
        }
        if (node.Origin is null)
        {
            return -Errno.ENOENT;
        }
        int rc = _base.Lstat(node.Origin, out Stat stat);
        if (rc != 0)
        {
            return rc;
        }
        xattrs = _base.ReadXattrs(node.Origin, stat.Mode & S_IFMT);
        return 0;
    }
}
