namespace CowStore.Core.Snapshots;

/// <summary>Where a run of a snapshot file's 4 KiB blocks comes from.</summary>
public enum RunKind : byte
{
    /// <summary>All-zero blocks (holes when exported); nothing stored.</summary>
    Zero = 0,

    /// <summary>The same block numbers of a file of the external base, used in place: block i of the file is block i of <see cref="ContentRun.BasePath"/>.</summary>
    Base = 1,

    /// <summary>Consecutive blocks of a pack in the store.</summary>
    Stored = 2,
}

/// <summary>
/// <paramref name="Count"/> consecutive blocks of a file. <paramref name="BasePath"/> (Base runs) is relative to the
/// external base's root; <paramref name="Pack"/> (Stored runs) indexes <see cref="Manifest.Packs"/> and
/// <paramref name="FirstBlock"/> is the block number inside that pack.
/// </summary>
public readonly record struct ContentRun(RunKind Kind, long Count, string? BasePath = null, int Pack = 0, long FirstBlock = 0)
{
    public static ContentRun Zeros(long count) => new(RunKind.Zero, count);

    public static ContentRun FromBase(string basePath, long count) => new(RunKind.Base, count, basePath);

    public static ContentRun Stored(int pack, long firstBlock, long count) => new(RunKind.Stored, count, null, pack, firstBlock);
}
