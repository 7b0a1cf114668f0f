namespace CowStore.Core.Cow;

/// <summary>
/// One name in a directory: the inode it names, its file type (S_IFMT bits, never changes) and,
/// for inodes that came from the base, their base path (so an unrecorded base inode can be read).
/// </summary>
internal readonly record struct DirEntry(ulong Ino, uint Type, string? Origin);
