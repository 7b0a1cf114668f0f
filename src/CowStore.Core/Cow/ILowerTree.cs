using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;

namespace CowStore.Core.Cow;

/// <summary>
/// The read-only tree a session delta is laid over, addressed by path relative to its root ("" = root,
/// '/'-separated): a base directory used in place (<see cref="BaseTree"/>), or a committed snapshot =
/// that directory plus the snapshot's manifest (<see cref="Snapshots.LayeredLower"/>). Never written.
/// All methods return 0 or -errno, like the filesystem calls they stand for.
/// </summary>
internal interface ILowerTree
{
    /// <summary>lstat of the object at <paramref name="path"/>; st_ino follows <see cref="BaseTree.InoOf"/>'s rules.</summary>
    int Lstat(string path, out Stat stat);

    /// <summary>Names in a directory ("." and ".." excluded); -errno in <paramref name="error"/> on failure.</summary>
    List<string> List(string path, out int error);

    /// <summary>The target of a symlink.</summary>
    int ReadLink(string path, out byte[] target);

    /// <summary>All xattrs of an object (none for symlinks).</summary>
    Dictionary<string, byte[]> ReadXattrs(string path, uint type);

    /// <summary>Whether the object at <paramref name="path"/> is the external base's own (not one a snapshot changed or added).</summary>
    bool IsBaseObject(string path);

    /// <summary>The content of a regular file, to be owned by a <see cref="BlockFile"/>; null for an empty file.</summary>
    int OpenContent(string path, out IBlockSource? content);
}
