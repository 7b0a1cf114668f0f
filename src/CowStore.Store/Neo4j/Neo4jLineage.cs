namespace CowStore.Store.Neo4j;

/// <summary>
/// Which Neo4j servers write a store format. Only what the research notes and the fixtures back:
/// <c>v0.A.9</c> from 3.5 servers, <c>SF4.0.0</c>/<c>AF4.1.a</c>/<c>HL4.0.0</c> from 4.0-4.2,
/// <c>SF4.3.0</c>/<c>AF4.3.0</c>/<c>HL4.3.0</c> from 4.3-4.4; other strings get the widest true answer.
/// </summary>
internal static class Neo4jLineage
{
    public const string Neo4j5WrittenBy = "5.x";

    public static (Neo4jMajorFamily Family, string WrittenBy) OfLegacyVersion(string version) => version switch
    {
        "v0.A.9" => (Neo4jMajorFamily.Neo4j3, "3.5"),
        ['v', ..] => (Neo4jMajorFamily.Neo4j3, "3.x"),
        "SF4.0.0" or "AF4.1.a" or "HL4.0.0" => (Neo4jMajorFamily.Neo4j4, "4.0-4.2"),
        "SF4.3.0" or "AF4.3.0" or "HL4.3.0" => (Neo4jMajorFamily.Neo4j4, "4.3-4.4"),
        ['S' or 'A' or 'H', 'F' or 'L', '4', '.', ..] => (Neo4jMajorFamily.Neo4j4, "4.x"),
        _ => (Neo4jMajorFamily.Unknown, "unknown"),
    };
}
