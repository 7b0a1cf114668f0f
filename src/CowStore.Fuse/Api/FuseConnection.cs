namespace CowStore.Fuse;

/// <summary>
/// The negotiated connection as seen by a filesystem: capabilities agreed at INIT, and the
/// calls a filesystem may make back into the kernel (notifications, passthrough backing files).
/// </summary>
public sealed class FuseConnection
{
    // PLACEHOLDER SURFACE: the transport implements these (see FuseServer).

    /// <summary>Negotiated protocol minor version (major is always 7).</summary>
    public uint ProtocolMinor { get; internal set; }

    /// <summary>FUSE passthrough is on: OPEN may reply FOPEN_PASSTHROUGH with a backing id.</summary>
    public bool PassthroughEnabled { get; internal set; }

    /// <summary>The kernel caches writes; it owns size and mtime while a file is open.</summary>
    public bool WritebackCacheEnabled { get; internal set; }

    /// <summary>Negotiated max_write in bytes.</summary>
    public int MaxWrite { get; internal set; }

    /// <summary>Registers <paramref name="fd"/> as a passthrough backing file; 0 and the id, or -errno.</summary>
    public int OpenBackingFile(int fd, out int backingId) => throw new NotImplementedException();

    /// <summary>Releases a backing id after the last RELEASE that used it.</summary>
    public int CloseBackingFile(int backingId) => throw new NotImplementedException();

    /// <summary>Drops cached attributes and data pages of a node (length 0 = to the end, offset -1 = attributes only).</summary>
    public int NotifyInvalidateInode(ulong nodeId, long offset, long length) => throw new NotImplementedException();

    /// <summary>Drops a cached directory entry (also negative entries).</summary>
    public int NotifyInvalidateEntry(ulong parent, ReadOnlySpan<byte> name) => throw new NotImplementedException();
}
