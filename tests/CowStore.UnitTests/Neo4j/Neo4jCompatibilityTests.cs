using CowStore.Store.Neo4j;
using Xunit;

namespace CowStore.UnitTests.Neo4j;

/// <summary>The wrapper's version policy on the real fixtures: same major starts, older needs --allow-upgrade, newer never.</summary>
public sealed class Neo4jCompatibilityTests
{
    [Theory]
    [InlineData("5.6-record-aligned-1.1", "5.6.0", false, true, false)]
    [InlineData("5.3-record-aligned-1.1", "5.26.1", false, true, false)]
    [InlineData("5.6-record-aligned-1.1", "2025.06.0", false, true, false)]
    [InlineData("4.4-AF4.3.0", "4.4.4", false, true, false)]
    [InlineData("4.0-SF4.0.0", "4.4.4", false, true, false)]
    [InlineData("3.5-v0.A.9", "3.5.30", false, true, false)]
    [InlineData("4.4-AF4.3.0", "5.6.0", false, false, false)]
    [InlineData("4.4-AF4.3.0", "5.6.0", true, true, true)]
    [InlineData("3.5-v0.A.9", "4.4.4", false, false, false)]
    [InlineData("3.5-v0.A.9", "4.4.4", true, true, true)]
    [InlineData("5.6-record-aligned-1.1", "4.4.4", false, false, false)]
    [InlineData("5.6-record-aligned-1.1", "4.4.4", true, false, false)]
    [InlineData("4.2-AF4.1.a", "3.5.30", true, false, false)]
    public void Check_FollowsTheMajorVersions(string fixture, string server, bool allowUpgrade, bool mayStart, bool upgrades)
    {
        Neo4jDataLayout layout = Neo4jDataLayout.Read(Neo4jFixtures.DataDirectory(fixture));

        Neo4jVerdict verdict = Neo4jCompatibility.Check(Neo4jServerVersion.Parse(server)!, layout, allowUpgrade);

        Assert.Equal((mayStart, upgrades), (verdict.MayStart, verdict.Upgrades));
        Assert.Equal(mayStart && !upgrades, verdict.Messages.All(m => !m.Contains("format", StringComparison.Ordinal)));
    }

    [Fact]
    public void Refusal_NamesTheFormatTheWriterAndTheWayOut()
    {
        Neo4jDataLayout layout = Neo4jDataLayout.Read(Neo4jFixtures.DataDirectory("4.4-AF4.3.0"));

        Neo4jVerdict verdict = Neo4jCompatibility.Check(new Neo4jServerVersion(5, 6, 0), layout, allowUpgrade: false);

        string message = Assert.Single(verdict.Messages);
        Assert.Contains("databases neo4j and system are in format AF4.3.0 (written by Neo4j 4.3-4.4)", message, StringComparison.Ordinal);
        Assert.Contains("--allow-upgrade", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neo4j35Layout_HasNoSystemDatabase_AndServesGraphDb()
    {
        Neo4jDataLayout layout = Neo4jDataLayout.Read(Neo4jFixtures.DataDirectory("3.5-v0.A.9"));

        Assert.True(layout.IsLegacy3Layout);
        Assert.False(layout.HasSystemDatabase);
        Assert.Equal("graph.db", layout.UserDatabase);
        Neo4jVerdict verdict = Neo4jCompatibility.Check(new Neo4jServerVersion(3, 5, 30), layout, allowUpgrade: false);
        Assert.Contains(verdict.Messages, m => m.Contains("no system database", StringComparison.Ordinal));
    }

    [Fact]
    public void ModernLayoutWithoutSystemDatabase_SaysANewOneIsCreated()
    {
        Neo4jStoreFormat neo4j = Neo4jDataLayout.Read(Neo4jFixtures.DataDirectory("5.6-record-aligned-1.1")).Databases.Single(d => d.DatabaseName == "neo4j");
        var layout = new Neo4jDataLayout("/data", [neo4j]);

        Neo4jVerdict verdict = Neo4jCompatibility.Check(new Neo4jServerVersion(5, 6, 0), layout, allowUpgrade: false);

        Assert.True(verdict.MayStart);
        string message = Assert.Single(verdict.Messages);
        Assert.Contains("no databases/system", message, StringComparison.Ordinal);
        Assert.Contains("creates a new, empty system database", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neo4j 5.6.0", 5, 6, 0)]
    [InlineData("4.4.4", 4, 4, 4)]
    [InlineData("neo4j 2025.06.0 (cowstore test stand-in, not Neo4j)", 2025, 6, 0)]
    [InlineData("Neo4j 3.5", 3, 5, 0)]
    public void ServerVersion_IsParsedFromVersionOutput(string text, int major, int minor, int patch) =>
        Assert.Equal(new Neo4jServerVersion(major, minor, patch), Neo4jServerVersion.Parse(text));

    [Fact]
    public void ServerVersion_FromKernelJarName()
    {
        string home = Path.Combine(Path.GetTempPath(), $"neo4j-home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(home, "lib"));
        try
        {
            File.WriteAllText(Path.Combine(home, "lib", "neo4j-kernel-4.4.4.jar"), "");
            File.WriteAllText(Path.Combine(home, "lib", "neo4j-kernel-api-4.4.4.jar"), "");
            Assert.Equal(new Neo4jServerVersion(4, 4, 4), Neo4jServerVersion.FromHome(home));
            Assert.Null(Neo4jServerVersion.Parse("no version here"));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
