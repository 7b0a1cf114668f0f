namespace CowStore.Store.Neo4j;

/// <summary>The Neo4j major line whose servers write (and open without migration) a store format.</summary>
public enum Neo4jMajorFamily
{
    /// <summary>A well-formed version string that no known Neo4j line uses.</summary>
    Unknown = 0,

    /// <summary>3.x: legacy strings starting with <c>v</c> (<c>v0.A.9</c> is 3.5).</summary>
    Neo4j3 = 3,

    /// <summary>4.x: legacy strings <c>SF4.x.x</c>, <c>AF4.x.x</c>, <c>HL4.x.x</c>.</summary>
    Neo4j4 = 4,

    /// <summary>5.x and later: the 5.0 metadata layout with a StoreId (e.g. <c>record-aligned-1.1</c>).</summary>
    Neo4j5 = 5,
}
