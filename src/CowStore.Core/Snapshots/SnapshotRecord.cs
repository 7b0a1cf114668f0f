namespace CowStore.Core.Snapshots;

/// <summary><c>snapshots/&lt;id&gt;/snapshot.json</c>: what a snapshot is besides its content (docs/FORMAT.md, "Snapshot store").</summary>
public sealed record SnapshotRecord
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required string Id { get; init; }

    public required string BaseId { get; init; }

    public string? ParentId { get; init; }

    public string? Message { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Free-form facts about the content (e.g. the Neo4j version and store format that wrote it).</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Blocks this snapshot added to the store (its own pack).</summary>
    public long NewBlocks { get; init; }

    /// <summary>Bytes of this snapshot's own pack.</summary>
    public long NewBytes { get; init; }

    /// <summary>Regular files the manifest lists (added or changed relative to the base); filled in by Publish when absent.</summary>
    public long? FileCount { get; init; }
}

/// <summary>The kind of an external base.</summary>
public static class BaseKinds
{
    /// <summary>A top-level /nix/store path: immutable by construction, identified by its store path.</summary>
    public const string Nix = "nix";

    /// <summary>Any other directory, identified by its path and a metadata fingerprint.</summary>
    public const string Directory = "directory";

    /// <summary>A directory identified by a digest of its full content (<c>cowstore import</c>).</summary>
    public const string Imported = "imported";
}

/// <summary><c>bases/&lt;id&gt;.json</c>: an external base directory, used in place and never written or deleted by cowstore.</summary>
public sealed record BaseRecord
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required string Id { get; init; }

    /// <summary>One of <see cref="BaseKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Absolute, symlink-free path of the directory.</summary>
    public required string Path { get; init; }

    /// <summary>Metadata fingerprint (directory and imported kinds): tells whether the directory changed since it was registered.</summary>
    public string? Fingerprint { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
