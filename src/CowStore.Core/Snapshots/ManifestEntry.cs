namespace CowStore.Core.Snapshots;

/// <summary>What a manifest says about one path.</summary>
public enum EntryKind : byte
{
    /// <summary>The path (and everything under it) of the external base is gone.</summary>
    Whiteout = 0,
    Directory = 1,
    File = 2,
    Symlink = 3,
    /// <summary>Device, fifo or socket (<see cref="ManifestEntry.Rdev"/>).</summary>
    Special = 4,
}

/// <summary>
/// One path of a snapshot that differs from the external base (or whose times/owners do). Paths are relative to
/// the root ("" = the root), '/'-separated. A directory that exists as a directory in the external base merges
/// with it (its base entries show unless whited out) unless <see cref="Opaque"/>; a new directory is opaque.
/// </summary>
public sealed record ManifestEntry
{
    public required string Path { get; init; }

    public EntryKind Kind { get; init; }

    /// <summary>Full st_mode including the S_IFMT bits (0 for a whiteout).</summary>
    public uint Mode { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public ulong Rdev { get; init; }

    public long AtimeSec { get; init; }

    public uint AtimeNsec { get; init; }

    public long MtimeSec { get; init; }

    public uint MtimeNsec { get; init; }

    public long CtimeSec { get; init; }

    public uint CtimeNsec { get; init; }

    /// <summary>Directories: only the manifest's entries under this path exist (the base directory there, if any, is hidden).</summary>
    public bool Opaque { get; init; }

    /// <summary>
    /// Everything that makes up the snapshot's identity (type, mode, xattrs, target, size, content) equals the
    /// external base at this path; the entry only keeps times or owners. Left out of the snapshot id, so the
    /// same content commits to the same id whatever the clock said.
    /// </summary>
    public bool MetadataOnly { get; init; }

    public byte[]? SymlinkTarget { get; init; }

    /// <summary>Extended attributes, compared and hashed in ordinal name order.</summary>
    public SortedDictionary<string, byte[]> Xattrs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Regular files: the logical size.</summary>
    public long Size { get; init; }

    /// <summary>Regular files: runs covering blocks [0, ceil(Size / 4096)) in order.</summary>
    public IReadOnlyList<ContentRun> Runs { get; init; } = [];

    public static bool IsBelow(string path, string ancestor) =>
        ancestor.Length == 0 ? path.Length > 0 : path.Length > ancestor.Length && path[ancestor.Length] == '/' && path.StartsWith(ancestor, StringComparison.Ordinal);
}
