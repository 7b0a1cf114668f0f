using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

/// <summary>
/// The session's metadata in memory: inode records and materialized directory listings. It is
/// exactly what replaying the journal yields; every change goes through <see cref="Apply"/>.
/// </summary>
internal sealed class DeltaState
{
    /// <summary>Inodes created in the session have this bit set, so they never collide with base inode numbers.</summary>
    public const ulong DeltaInoBit = 1UL << 63;

    public Dictionary<ulong, InodeRecord> Inodes { get; } = [];

    /// <summary>Full listings of directories changed in the session; other directories are read from the base.</summary>
    public Dictionary<ulong, Dictionary<string, DirEntry>> Directories { get; } = [];

    // Subdirectories per materialized directory, kept with the listings: a directory's nlink is asked for on
    // every GETATTR (the kernel re-reads the parent after each create), and counting would be O(entries).
    private readonly Dictionary<ulong, uint> _subdirectories = [];

    /// <summary>Next number for an inode created in the session (persisted implicitly: one past the highest recorded).</summary>
    public ulong NextDeltaIno { get; set; } = DeltaInoBit | 1;

    public void Apply(JournalOp op)
    {
        switch (op)
        {
            case PutInodeOp put:
                if (Inodes.TryGetValue(put.Record.Ino, out InodeRecord? existing))
                {
                    existing.CopyFrom(put.Record);
                }
                else
                {
                    Inodes[put.Record.Ino] = put.Record.Clone();
                }
                if ((put.Record.Ino & DeltaInoBit) != 0 && put.Record.Ino >= NextDeltaIno)
                {
                    NextDeltaIno = put.Record.Ino + 1;
                }
                break;
            case DeleteInodeOp delete:
                Inodes.Remove(delete.Ino);
                break;
            case PutDirectoryOp dir:
                var listing = new Dictionary<string, DirEntry>(dir.Entries, StringComparer.Ordinal);
                Directories[dir.Ino] = listing;
                _subdirectories[dir.Ino] = (uint)listing.Values.Count(entry => entry.Type == S_IFDIR);
                break;
            case SetEntryOp set:
                Dictionary<string, DirEntry> into = ListingOf(set.Directory);
                if (into.TryGetValue(set.Name, out DirEntry replaced) && replaced.Type == S_IFDIR)
                {
                    _subdirectories[set.Directory]--;
                }
                into[set.Name] = set.Entry;
                if (set.Entry.Type == S_IFDIR)
                {
                    _subdirectories[set.Directory]++;
                }
                break;
            case RemoveEntryOp remove:
                if (ListingOf(remove.Directory).Remove(remove.Name, out DirEntry removed) && removed.Type == S_IFDIR)
                {
                    _subdirectories[remove.Directory]--;
                }
                break;
            case DropDirectoryOp drop:
                RemoveDirectory(drop.Ino);
                break;
            default:
                throw new ArgumentException($"unknown journal op {op.GetType().Name}", nameof(op));
        }
    }

    /// <summary>Subdirectories named in a materialized directory's listing (0 for any other inode).</summary>
    public uint SubdirectoriesOf(ulong ino) => _subdirectories.GetValueOrDefault(ino);

    /// <summary>Forgets a directory's listing (dropped, or an orphan found at open).</summary>
    public void RemoveDirectory(ulong ino)
    {
        Directories.Remove(ino);
        _subdirectories.Remove(ino);
    }

    /// <summary>The ops that rebuild this state from nothing (a checkpoint).</summary>
    public IEnumerable<JournalOp> Snapshot()
    {
        foreach (InodeRecord record in Inodes.Values)
        {
            yield return new PutInodeOp(record);
        }
        foreach ((ulong ino, Dictionary<string, DirEntry> entries) in Directories)
        {
            yield return new PutDirectoryOp(ino, entries);
        }
    }

    private Dictionary<string, DirEntry> ListingOf(ulong directory) =>
        Directories.TryGetValue(directory, out Dictionary<string, DirEntry>? listing)
            ? listing
            : throw new InvalidDataException($"journal names directory {directory:x} before materializing it");
}
