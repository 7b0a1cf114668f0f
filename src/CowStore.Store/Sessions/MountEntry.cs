namespace CowStore.Store.Sessions;

/// <summary>One line of /proc/self/mountinfo: where something is mounted, its type and source.</summary>
public sealed record MountEntry(string MountPoint, string FileSystemType, string Source)
{
    /// <summary>Any FUSE mount (<c>fuse</c>, <c>fuse.&lt;subtype&gt;</c>, <c>fuseblk</c>).</summary>
    public bool IsFuse => FileSystemType == "fuse" || FileSystemType == "fuseblk" || FileSystemType.StartsWith("fuse.", StringComparison.Ordinal);
}
