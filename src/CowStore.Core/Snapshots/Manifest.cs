namespace CowStore.Core.Snapshots;

/// <summary>
/// A snapshot's complete description against its external base: every path whose object differs from the base
/// at the same path. Cumulative (not a diff to the parent snapshot), so mounting or reading a snapshot never walks
/// its lineage, however deep. Format: docs/FORMAT.md, "Snapshot manifest".
/// </summary>
public sealed class Manifest
{
    /// <summary>Id of the external base (the directory every Base run and every unlisted path reads from).</summary>
    public required string BaseId { get; init; }

    /// <summary>The snapshot this one was committed on, or null when it sits directly on the base.</summary>
    public string? ParentId { get; init; }

    /// <summary>Packs the Stored runs point into (<see cref="ContentRun.Pack"/> indexes this list).</summary>
    public List<string> Packs { get; init; } = [];

    /// <summary>Entries by path, in ordinal order.</summary>
    public SortedDictionary<string, ManifestEntry> Entries { get; init; } = new(StringComparer.Ordinal);
}
