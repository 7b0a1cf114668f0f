namespace CowStore.Fuse;

/// <summary>Who is asking: the caller fields of <c>fuse_in_header</c>, valid for one request.</summary>
public readonly struct FuseRequest(ulong unique, uint uid, uint gid, uint pid)
{
    public ulong Unique { get; } = unique;
    public uint Uid { get; } = uid;
    public uint Gid { get; } = gid;
    public uint Pid { get; } = pid;
}
