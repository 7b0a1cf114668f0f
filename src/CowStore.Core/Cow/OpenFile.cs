namespace CowStore.Core.Cow;

/// <summary>An open file handle: Read/Write find the data through it without the namespace lock.</summary>
internal sealed class OpenFile(ulong nodeId, FileData data, bool writable)
{
    public ulong NodeId { get; } = nodeId;
    public FileData Data { get; } = data;
    public bool Writable { get; } = writable;
}
