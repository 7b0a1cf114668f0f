using CowStore.Store.Neo4j;
using CowStore.UnitTests.Cli;
using Xunit;

namespace CowStore.UnitTests.Neo4j;

/// <summary>The store-format reader against real stores written by Neo4j 3.5 to 5.6.</summary>
public sealed class Neo4jStoreReaderTests
{
    [Theory]
    [InlineData("3.5-v0.A.9", "graph.db", "v0.A.9", Neo4jMajorFamily.Neo4j3, "3.5")]
    [InlineData("4.0-SF4.0.0", "neo4j,system", "SF4.0.0", Neo4jMajorFamily.Neo4j4, "4.0-4.2")]
    [InlineData("4.2-AF4.1.a", "neo4j,system", "AF4.1.a", Neo4jMajorFamily.Neo4j4, "4.0-4.2")]
    [InlineData("4.4-AF4.3.0", "neo4j,system", "AF4.3.0", Neo4jMajorFamily.Neo4j4, "4.3-4.4")]
    [InlineData("5.3-record-aligned-1.1", "neo4j,system", "record-aligned-1.1", Neo4jMajorFamily.Neo4j5, "5.x")]
    [InlineData("5.6-record-aligned-1.1", "neo4j,system", "record-aligned-1.1", Neo4jMajorFamily.Neo4j5, "5.x")]
    public void Detect_ReadsEveryDatabaseOfAFixture(string label, string databases, string format, Neo4jMajorFamily family, string writtenBy)
    {
        IReadOnlyList<Neo4jStoreFormat> found = Neo4jStoreReader.Detect(Neo4jFixtures.DataDirectory(label));

        Assert.Equal(databases.Split(','), found.Select(f => f.DatabaseName));
        Assert.All(found, f =>
        {
            Assert.Equal(format, f.StoreFormat);
            Assert.Equal(family, f.Family);
            Assert.Equal(writtenBy, f.WrittenBy);
            Assert.Equal(family == Neo4jMajorFamily.Neo4j5, f.Details.StoreId is not null);
            Assert.True(File.Exists(f.Details.NeostorePath), f.Details.NeostorePath);
        });
    }

    [Fact]
    public void EveryFixtureFolder_IsTestedAndNamedAfterTheFormatItHolds()
    {
        Assert.Equal(Neo4jFixtures.Labels.Order(StringComparer.Ordinal), Neo4jFixtures.PresentLabels());
        foreach (string label in Neo4jFixtures.Labels)
        {
            string labelFormat = label[(label.IndexOf('-', StringComparison.Ordinal) + 1)..];
            Assert.All(Neo4jStoreReader.Detect(Neo4jFixtures.DataDirectory(label)), f => Assert.Equal(labelFormat, f.StoreFormat));
        }
    }

    [Fact]
    public void Neo4j40_NeostoreShorterThanAPage_IsRead()
    {
        Neo4jStoreFormat neo4j = Neo4jStoreReader.Detect(Neo4jFixtures.DataDirectory("4.0-SF4.0.0"))[0];

        Assert.Equal(8190, neo4j.Details.NeostoreLength);
        Assert.Equal(0x302e302e34465307UL, neo4j.Details.VersionSlot);
    }

    [Fact]
    public void Neo4j5StoreId_MatchesWhatTheServerLogged()
    {
        IReadOnlyList<Neo4jStoreFormat> found = Neo4jStoreReader.Detect(Neo4jFixtures.DataDirectory("5.3-record-aligned-1.1"));

        // PROVENANCE.md: debug.log of the 5.3.0 server logged these creation times for neo4j / system.
        Assert.Equal([1671317249069, 1671317247643], found.Select(f => f.Details.StoreId!.CreationTime.ToUnixTimeMilliseconds()));
        Neo4jStoreId id = found[0].Details.StoreId!;
        Assert.Equal(("record", "aligned", (sbyte)1, (sbyte)1, (byte)1), (id.StorageEngine, id.FormatFamily, id.MajorVersion, id.MinorVersion, id.SerializationVersion));
        Assert.Equal(NeostoreDecoder.Neo4j5Marker, found[0].Details.VersionSlot);
        Assert.NotEqual(found[0].Details.StoreId!.Random, found[1].Details.StoreId!.Random);
    }

    [Fact]
    public void PointedAtOneDatabaseOrTheDatabasesFolder_ReadsJustThat()
    {
        string data = Neo4jFixtures.DataDirectory("4.4-AF4.3.0");

        Neo4jStoreFormat single = Assert.Single(Neo4jStoreReader.Detect(Path.Combine(data, "databases", "system") + "/"));
        Assert.Equal(("system", "AF4.3.0"), (single.DatabaseName, single.StoreFormat));
        Assert.Equal(["neo4j", "system"], Neo4jStoreReader.Detect(Path.Combine(data, "databases")).Select(f => f.DatabaseName));
    }

    [Fact]
    public void NonNeo4jDirectory_FailsWithOneClearLine()
    {
        using var dir = new TestDirectory();
        Directory.CreateDirectory(dir.Combine("databases", "neo4j"));
        File.WriteAllText(dir.Combine("databases", "neo4j", "neostore.nodestore.db"), "not the metadata store");
        File.WriteAllText(dir.Combine("PG_VERSION"), "16");

        var error = Assert.Throws<InvalidDataException>(() => Neo4jStoreReader.Detect(dir.Path));
        Assert.Equal($"not a Neo4j data directory: no databases/*/neostore under {dir.Path}", error.Message);
    }

    [Fact]
    public void MissingDirectory_FailsNamingIt()
    {
        using var dir = new TestDirectory();
        string missing = dir.Combine("nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => Neo4jStoreReader.Detect(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.5-v0.A.9", "empty", "truncated: 0 bytes")]
    [InlineData("4.0-SF4.0.0", "truncate-44", "truncated: 44 bytes, the version record ends at byte 45")]
    [InlineData("5.6-record-aligned-1.1", "truncate-100", "truncated: 100 bytes, the 5.x StoreId ends at byte 117")]
    [InlineData("4.4-AF4.3.0", "garbage", "record 4 is not in use (header byte 0xa5)")]
    [InlineData("4.2-AF4.1.a", "version-not-in-use", "record 4 is not in use (header byte 0x00)")]
    [InlineData("4.4-AF4.3.0", "version-string-byte", "does not hold a version string")]
    [InlineData("3.5-v0.A.9", "version-length", "is neither a packed version string nor the 5.x marker")]
    [InlineData("5.3-record-aligned-1.1", "storeid-slot-not-in-use", "record 9 is not in use")]
    [InlineData("5.3-record-aligned-1.1", "storeid-engine-name", "StoreId storage engine is not a name")]
    [InlineData("5.6-record-aligned-1.1", "storeid-padding", "StoreId has bytes after the format version")]
    public void DamagedCopyOfARealNeostore_FailsWithOneClearLine(string label, string damage, string expected)
    {
        using var dir = new TestDirectory();
        string database = Directory.EnumerateDirectories(Path.Combine(Neo4jFixtures.DataDirectory(label), "databases")).Order(StringComparer.Ordinal).First();
        byte[] bytes = File.ReadAllBytes(Path.Combine(database, Neo4jStoreReader.NeostoreFileName));
        string copy = dir.Combine("databases", "neo4j", Neo4jStoreReader.NeostoreFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllBytes(copy, Damage(bytes, damage));

        var error = Assert.Throws<InvalidDataException>(() => Neo4jStoreReader.Detect(dir.Path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"not a readable Neo4j neostore: {copy}: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>The fixture's bytes with one kind of damage; the fixture itself is never written.</summary>
    private static byte[] Damage(byte[] original, string damage)
    {
        const int record = NeostoreDecoder.RecordSize;
        byte[] bytes = (byte[])original.Clone();
        switch (damage)
        {
            case "empty":
                return [];
            case "truncate-44":
                return bytes[..44];
            case "truncate-100":
                return bytes[..100];
            case "garbage":
                Array.Fill(bytes, (byte)0xa5, 0, 4096);
                break;
            case "version-not-in-use":
                bytes[4 * record] = 0;
                break;
            case "version-string-byte":
                bytes[(4 * record) + 1] = 0x07; // the last character, 8 bytes above the length byte
                break;
            case "version-length":
                bytes[(5 * record) - 1] = 9; // the length byte is the least significant, i.e. last on disk
                break;
            case "storeid-slot-not-in-use":
                bytes[9 * record] = 0;
                break;
            case "storeid-engine-name":
                bytes[(7 * record) + 1 + 2] = (byte)'R'; // StoreId byte 18, the 'r' of "record"
                break;
            case "storeid-padding":
                bytes[(12 * record) + 8] = 1; // the last StoreId byte
                break;
            default:
                throw new ArgumentException($"unknown damage {damage}", nameof(damage));
        }
        return bytes;
    }
}
