namespace CowStore.Store.Neo4j;

/// <summary>
/// The StoreId a 5.x <c>neostore</c> keeps in slots 5-12 (Neo4j's <c>StoreIdSerialization</c>):
/// when and by which storage engine and format the store was created.
/// </summary>
/// <param name="SerializationVersion">Layout version of the serialized StoreId (1 in every store seen).</param>
/// <param name="CreationTime">When the store was created (Neo4j logs this as <c>creationTime</c>).</param>
/// <param name="Random">The random half of the store's identity.</param>
/// <param name="StorageEngine">e.g. <c>record</c>.</param>
/// <param name="FormatFamily">e.g. <c>aligned</c>, <c>standard</c>, <c>high_limit</c>, <c>block</c>.</param>
/// <param name="MajorVersion">Format major version; a change needs an offline migration.</param>
/// <param name="MinorVersion">Format minor version; Neo4j upgrades it in place at startup.</param>
public sealed record Neo4jStoreId(
    byte SerializationVersion,
    DateTimeOffset CreationTime,
    long Random,
    string StorageEngine,
    string FormatFamily,
    sbyte MajorVersion,
    sbyte MinorVersion)
{
    /// <summary>The name Neo4j shows for the format, e.g. <c>record-aligned-1.1</c>.</summary>
    public string FormatName => $"{StorageEngine}-{FormatFamily}-{MajorVersion}.{MinorVersion}";
}
