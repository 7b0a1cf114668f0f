namespace CowStore.Core.Cow;

/// <summary>
/// An open directory: the merged listing snapshotted at OpenDir ("." and ".." first), so cookies
/// (index + 1) stay stable while the directory changes.
/// </summary>
internal sealed class OpenDirectory(ulong ino, List<(string Name, DirEntry Entry)> entries)
{
    public ulong Ino { get; } = ino;
    public List<(string Name, DirEntry Entry)> Entries { get; } = entries;
}
