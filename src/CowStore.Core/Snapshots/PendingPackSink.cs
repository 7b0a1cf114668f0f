namespace CowStore.Core.Snapshots;

/// <summary>
/// A commit's block sink: a block the store already holds (any pack) is referenced where it is; a new one goes into
/// the commit's own pack, named <see cref="NewPack"/> until that pack is published under its content id.
/// </summary>
internal sealed class PendingPackSink(BlockLocator locator, PackWriter writer) : IBlockSink
{
    /// <summary>Stands for the commit's pack in a manifest's pack list until it has an id.</summary>
    public const string NewPack = "";

    public (string Pack, long Block) Put(ReadOnlySpan<byte> block, ReadOnlySpan<byte> sha256)
    {
        if (locator.TryFind(sha256, out string pack, out long stored))
        {
            return (pack, stored);
        }
        long added = writer.Add(block, sha256);
        locator.Add(sha256, NewPack, added);
        return (NewPack, added);
    }
}
