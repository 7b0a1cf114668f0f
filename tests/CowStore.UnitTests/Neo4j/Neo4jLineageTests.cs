using CowStore.Store.Neo4j;
using Xunit;

namespace CowStore.UnitTests.Neo4j;

/// <summary>Version strings the fixtures do not cover, mapped only as far as the research backs.</summary>
public sealed class Neo4jLineageTests
{
    [Theory]
    [InlineData("v0.A.9", Neo4jMajorFamily.Neo4j3, "3.5")]
    [InlineData("v0.A.7", Neo4jMajorFamily.Neo4j3, "3.x")]
    [InlineData("vE.H.4", Neo4jMajorFamily.Neo4j3, "3.x")]
    [InlineData("HL4.0.0", Neo4jMajorFamily.Neo4j4, "4.0-4.2")]
    [InlineData("SF4.3.0", Neo4jMajorFamily.Neo4j4, "4.3-4.4")]
    [InlineData("HL4.3.0", Neo4jMajorFamily.Neo4j4, "4.3-4.4")]
    [InlineData("AF4.2.b", Neo4jMajorFamily.Neo4j4, "4.x")]
    [InlineData("XY1.0.0", Neo4jMajorFamily.Unknown, "unknown")]
    public void LegacyVersionString_MapsToTheLineThatWritesIt(string version, Neo4jMajorFamily family, string writtenBy) =>
        Assert.Equal((family, writtenBy), Neo4jLineage.OfLegacyVersion(version));
}
