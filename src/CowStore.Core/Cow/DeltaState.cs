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
                Directories[dir.Ino] = new Dictionary<string, DirEntry>(dir.Entries, StringComparer.Ordinal);
                break;
            case SetEntryOp set:
                ListingOf(set.Directory)[set.Name] = set.Entry;
                break;
            case RemoveEntryOp remove:
                ListingOf(remove.Directory).Remove(remove.Name);
                break;
            case DropDirectoryOp drop:
                Directories.Remove(drop.Ino);
                break;
            default:
                throw new ArgumentException($"unknown journal op {op.GetType().Name}", nameof(op));
        }
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
