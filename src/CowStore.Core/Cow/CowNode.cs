namespace CowStore.Core.Cow;

/// <summary>
/// An inode the kernel currently knows (lookup count &gt; 0). The origin lets an unrecorded base inode be
/// read again; the delta state, not the node, is the truth, so dropping a node loses nothing.
/// </summary>
internal sealed class CowNode(ulong ino, string? origin)
{
    public ulong Ino { get; } = ino;
    public string? Origin { get; } = origin;
    public ulong Lookups;
}
