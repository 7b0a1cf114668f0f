using CowStore.Core.Cow.Blocks;

namespace CowStore.Core.Cow;

/// <summary>
/// The contents of one regular-file inode: its <see cref="BlockFile"/> (keyed by inode, shared by every
/// name and handle), kept while the inode has a record or open handles.
/// </summary>
internal sealed class FileData(ulong ino, string? origin, BlockFile blocks, InodeRecord? record)
{
    public ulong Ino { get; } = ino;
    /// <summary>The base path the contents came from (null for inodes created in the session).</summary>
    public string? Origin { get; } = origin;
    public BlockFile Blocks { get; } = blocks;
    /// <summary>The inode's record (null for a base file only opened for reading); set once it exists.</summary>
    public InodeRecord? Record = record;
    public int OpenCount;
}
