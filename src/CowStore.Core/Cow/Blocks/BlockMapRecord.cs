namespace CowStore.Core.Cow.Blocks;

/// <summary>Record kinds of the block map log (docs/FORMAT.md, "Block delta of one file"). Values are on disk: never renumber.</summary>
internal enum BlockMapRecordType : byte
{
    /// <summary>A = first block, B = block count: those base blocks now live in the delta data file.</summary>
    SetBlocks = 1,
    /// <summary>A = new logical size (growth only; base visibility unchanged).</summary>
    SetSize = 2,
    /// <summary>A = new logical size, B = new base limit (base bytes at or past it are never visible again).</summary>
    Truncate = 3,
    /// <summary>A, B = the kernel boot id of whoever appends the records after it (see <see cref="BootIdentity"/>).</summary>
    Boot = 4,
    /// <summary>Everything before it was durable, data included, when it was appended: survives a machine crash.</summary>
    Synced = 5,
}

/// <summary>One fixed-size map log record.</summary>
internal readonly record struct BlockMapRecord(BlockMapRecordType Type, long A, long B)
{
    public static BlockMapRecord SetBlocks(long first, long count) => new(BlockMapRecordType.SetBlocks, first, count);

    public static BlockMapRecord SetSize(long size) => new(BlockMapRecordType.SetSize, size, 0);

    public static BlockMapRecord Truncate(long size, long baseLimit) => new(BlockMapRecordType.Truncate, size, baseLimit);

    public static BlockMapRecord Boot((long High, long Low) bootId) => new(BlockMapRecordType.Boot, bootId.High, bootId.Low);

    public static BlockMapRecord Synced() => new(BlockMapRecordType.Synced, 0, 0);
}
