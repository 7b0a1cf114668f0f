using System.Text;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Directory handles: the merged listing is snapshotted at OpenDir, so offsets stay stable.
public sealed partial class CowFileSystem
{
    public int OpenDir(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open)
    {
        lock (_ns)
        {
            if (!TryGetNode(nodeId, out CowNode node))
            {
                return -Errno.ENOENT;
            }
            if (_state.Inodes.TryGetValue(node.Ino, out InodeRecord? record) && !record.IsDirectory)
            {
                return -Errno.ENOTDIR;
            }
            int rc = ListEntries(node.Ino, node.Origin, out IReadOnlyDictionary<string, DirEntry> entries);
            if (rc != 0)
            {
                return rc;
            }
            var snapshot = new List<(string Name, DirEntry Entry)>(entries.Count + 2)
            {
                (".", new DirEntry(node.Ino, S_IFDIR, OriginOf(node))),
                // The parent's number is not tracked; d_ino of ".." is informational only.
                ("..", new DirEntry(node.Ino, S_IFDIR, OriginOf(node))),
            };
            foreach ((string name, DirEntry entry) in entries)
            {
                snapshot.Add((name, entry));
            }
            ulong fh = NextHandle();
            _directories[fh] = new OpenDirectory(node.Ino, snapshot);
            _openDirectoryCounts[node.Ino] = _openDirectoryCounts.GetValueOrDefault(node.Ino) + 1;
            open.Fh = fh;
            open.OpenFlags = 0;
            open.BackingId = 0;
            return 0;
        }
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
        List<(string Name, DirEntry Entry)> entries = directory.Entries;
        lock (_ns)
        {
            for (int index = (int)Math.Min(offset, entries.Count); index < entries.Count; index++)
            {
                (string name, DirEntry entry) = entries[index];
                byte[] nameBytes = Encoding.UTF8.GetBytes(name);
                long next = index + 1;
                if (!writer.IsPlus)
                {
                    if (!writer.TryAdd(nameBytes, entry.Ino, entry.Type >> 12, next))
                    {
                        break;
                    }
                    continue;
                }
                var plus = default(FuseEntryOut);
                bool dots = index < 2;
                if (StatInode(entry.Ino, entry.Origin, ref plus.Attr) != 0)
                {
                    // Removed since OpenDir: skip it, keeping the cookies of the others.
                    continue;
                }
                if (!dots)
                {
                    FillEntry(ref plus, entry.Ino);
                }
                if (!writer.TryAddPlus(nameBytes, plus, next))
                {
                    break;
                }
                if (!dots)
                {
                    AddLookup(entry.Ino, entry.Origin);
                }
            }
        }
        return 0;
    }

    public int ReleaseDir(in FuseRequest request, ulong nodeId, ulong fh)
    {
        lock (_ns)
        {
            if (!_directories.TryRemove(fh, out OpenDirectory? directory))
            {
                return -Errno.EBADF;
            }
            int count = _openDirectoryCounts[directory.Ino] - 1;
            if (count > 0)
            {
                _openDirectoryCounts[directory.Ino] = count;
                return 0;
            }
            _openDirectoryCounts.Remove(directory.Ino);
            return ReapIfUnlinked(directory.Ino);
        }
    }

    public int FsyncDir(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly)
    {
        // Directory entries live in the journal.
        lock (_ns)
        {
            return _journal.Sync();
        }
    }
}
