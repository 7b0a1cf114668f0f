namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// The block map of one file: logical size, base limit and which base blocks live in the delta.
/// Block i reads from the delta data file when i*B &gt;= BaseLimit or its bit is set, else from the base.
/// </summary>
internal sealed class BlockMapState
{
    public BlockMapState(long baseSize)
    {
        BaseSize = baseSize;
        Size = baseSize;
        BaseLimit = baseSize;
        Bits = new DeltaBitmap(BlockCountFor(baseSize));
    }

    public long BaseSize { get; }

    public long Size { get; set; }

    /// <summary>Base bytes at or past this offset are never visible (truncate moved it down; it never grows).</summary>
    public long BaseLimit { get; set; }

    public DeltaBitmap Bits { get; }

    /// <summary>Blocks i &lt; LimitBlock may still come from the base (i*B &lt; BaseLimit).</summary>
    public long LimitBlock => BlockCountFor(BaseLimit);

    /// <summary>False while the content is exactly the base file.</summary>
    public bool IsModified => Size != BaseSize || BaseLimit != BaseSize || Bits.SetCount != 0;

    public static long BlockCountFor(long bytes) => (bytes + BlockFile.BlockSize - 1) / BlockFile.BlockSize;

    public bool IsBaseBlock(long block) => block < LimitBlock && !Bits.Get(block);

    /// <summary>Checks a record against the state it would apply to; null when valid, else why not.</summary>
    public string? Validate(BlockMapRecord record) => record.Type switch
    {
        BlockMapRecordType.SetBlocks when record.A < 0 || record.B <= 0 || record.A > Bits.BlockCount - record.B =>
            $"block range {record.A}+{record.B} outside the base file's {Bits.BlockCount} blocks",
        BlockMapRecordType.SetSize when record.A < 0 => $"negative size {record.A}",
        BlockMapRecordType.Truncate when record.A < 0 || record.B < 0 || record.B > record.A || record.B > BaseLimit =>
            $"truncate to size {record.A} with base limit {record.B} (current base limit {BaseLimit})",
        BlockMapRecordType.SetBlocks or BlockMapRecordType.SetSize or BlockMapRecordType.Truncate
            or BlockMapRecordType.Boot or BlockMapRecordType.Synced => null,
        _ => $"unknown record type {(byte)record.Type}",
    };

    public void Apply(BlockMapRecord record)
    {
        switch (record.Type)
        {
            case BlockMapRecordType.SetBlocks:
                Bits.SetRange(record.A, record.B);
                break;
            case BlockMapRecordType.SetSize:
                Size = record.A;
                break;
            case BlockMapRecordType.Truncate:
                Size = record.A;
                BaseLimit = record.B;
                break;
            case BlockMapRecordType.Boot or BlockMapRecordType.Synced:
                break; // replay bookkeeping only (BlockMapLog decides which records to trust)
            default:
                throw new InvalidOperationException($"unknown record type {record.Type}");
        }
    }
}
