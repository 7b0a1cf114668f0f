namespace CowStore.Store.Neo4j;

/// <summary>What one database's <c>neostore</c> says about the format its files are in.</summary>
/// <param name="DatabaseName">The database directory's name: <c>neo4j</c>, <c>system</c>, 3.x <c>graph.db</c> ...</param>
/// <param name="StoreFormat">The format as Neo4j names it: <c>v0.A.9</c>, <c>SF4.0.0</c>, <c>AF4.3.0</c>, <c>record-aligned-1.1</c>.</param>
/// <param name="Family">The Neo4j major line that writes this format.</param>
/// <param name="WrittenBy">The server versions known to write it, as narrow as the evidence allows: <c>3.5</c>, <c>4.3-4.4</c>, <c>5.x</c>.</param>
/// <param name="Details">The raw values the decision was made from.</param>
public sealed record Neo4jStoreFormat(
    string DatabaseName,
    string StoreFormat,
    Neo4jMajorFamily Family,
    string WrittenBy,
    Neo4jStoreDetails Details)
{
    public override string ToString() => $"{DatabaseName}: {StoreFormat} (Neo4j {WrittenBy})";
}

/// <summary>Where a format was read from and the slot values behind it.</summary>
/// <param name="NeostorePath">The <c>neostore</c> file that was read.</param>
/// <param name="NeostoreLength">Its size in bytes (4.0 writes 8,190, not a full 8 KiB page).</param>
/// <param name="VersionSlot">Slot 4: a packed legacy version string, or the 5.x marker <c>0xcf1bbcdcb7a56463</c>.</param>
/// <param name="StoreId">The 5.x StoreId; null for 3.x/4.x stores.</param>
public sealed record Neo4jStoreDetails(
    string NeostorePath,
    long NeostoreLength,
    ulong VersionSlot,
    Neo4jStoreId? StoreId);
