namespace CowStore.Core.Cow;

/// <summary>
/// One change to the delta's metadata. A FUSE operation journals its ops as one frame, so after a
/// crash either all of them or none are replayed; live operations and replay apply them with the
/// same code (<see cref="DeltaState.Apply"/>).
/// </summary>
internal abstract record JournalOp
{
    public const byte PutInodeCode = 1;
    public const byte DeleteInodeCode = 2;
    public const byte PutDirectoryCode = 3;
    public const byte SetEntryCode = 4;
    public const byte RemoveEntryCode = 5;
    public const byte DropDirectoryCode = 6;
}

/// <summary>Creates or replaces an inode record (the record is a private copy).</summary>
internal sealed record PutInodeOp(InodeRecord Record) : JournalOp;

internal sealed record DeleteInodeOp(ulong Ino) : JournalOp;

/// <summary>Materializes a directory's full listing (first change of a base directory, or a new directory).</summary>
internal sealed record PutDirectoryOp(ulong Ino, Dictionary<string, DirEntry> Entries) : JournalOp;

internal sealed record SetEntryOp(ulong Directory, string Name, DirEntry Entry) : JournalOp;

internal sealed record RemoveEntryOp(ulong Directory, string Name) : JournalOp;

internal sealed record DropDirectoryOp(ulong Ino) : JournalOp;
