namespace CowStore.Core.Snapshots;

/// <summary>The type of an object in a <see cref="SnapshotTree"/>.</summary>
public enum SnapshotTreeKind
{
    Directory,
    File,
    Symlink,
    /// <summary>Device, fifo or socket.</summary>
    Special,
}

/// <summary>What lstat says about one path of a <see cref="SnapshotTree"/>.</summary>
/// <param name="Mode">Full st_mode including the type bits.</param>
/// <param name="AllocatedBytes">st_blocks × 512: for a snapshot file, its non-zero blocks.</param>
public sealed record SnapshotTreeEntry(
    string Path,
    SnapshotTreeKind Kind,
    uint Mode,
    uint Uid,
    uint Gid,
    ulong Rdev,
    long Size,
    long AllocatedBytes,
    long AtimeSec,
    uint AtimeNsec,
    long MtimeSec,
    uint MtimeNsec)
{
    /// <summary>Permission bits with setuid, setgid and sticky (mode &amp; 07777).</summary>
    public uint Permissions => Mode & 0xFFF;
}
