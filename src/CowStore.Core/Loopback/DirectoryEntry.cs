namespace CowStore.Core.Loopback;

/// <summary>One entry of a directory snapshot, as getdents64 reported it.</summary>
internal readonly record struct DirectoryEntry(byte[] Name, ulong Ino, byte Type)
{
    public bool IsDotOrDotDot => Name is [(byte)'.'] or [(byte)'.', (byte)'.'];
}
