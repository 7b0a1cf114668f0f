namespace CowStore.Core.Snapshots;

public enum DiffChange
{
    Added,
    Removed,
    Changed,
}

/// <summary>One path that differs between two trees.</summary>
/// <param name="Kind">The type on the newer side (the older side's for a removal).</param>
/// <param name="ChangedBytes">Files: added or removed, the size; changed, the 4 KiB blocks that differ × 4 KiB, capped at the larger size.</param>
/// <param name="Detail">What changed, for people ("content", "mode 644 -> 755", "type", "target", "xattrs").</param>
public sealed record DiffItem(string Path, DiffChange Change, SnapshotTreeKind Kind, long ChangedBytes, string Detail);
