namespace CowStore.Core.Snapshots;

/// <summary>Where a commit puts the blocks it found changed: an existing identical block, or the commit's new pack.</summary>
internal interface IBlockSink
{
    /// <summary>The pack and block number holding <paramref name="block"/> (4 KiB, SHA-256 <paramref name="sha256"/>), storing it if the store has no identical block.</summary>
    (string Pack, long Block) Put(ReadOnlySpan<byte> block, ReadOnlySpan<byte> sha256);
}
