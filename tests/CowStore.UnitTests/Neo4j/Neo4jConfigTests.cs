using CowStore.Store.Neo4j;
using Xunit;

namespace CowStore.UnitTests.Neo4j;

/// <summary>The generated neo4j.conf: right setting names per major version, the user's own settings kept.</summary>
public sealed class Neo4jConfigTests
{
    private static readonly Neo4jSessionPaths s_paths = new("/mnt/data", "/state");

    [Fact]
    public void Neo4j5_UsesServerAndDbNames()
    {
        Dictionary<string, string> settings = Single(Neo4jConfig.Settings(new Neo4jServerVersion(5, 6, 0), s_paths, "neo4j", allowUpgrade: false));

        Assert.Equal("/mnt/data", settings["server.directories.data"]);
        Assert.Equal("/mnt/data/transactions", settings["server.directories.transaction.logs.root"]);
        Assert.Equal("/state/logs", settings["server.directories.logs"]);
        Assert.Equal("/state/run", settings["server.directories.run"]);
        Assert.Equal("/state/import", settings["server.directories.import"]);
        Assert.Equal("false", settings["db.tx_log.preallocate"]);
        Assert.Equal("false", settings["db.store.files.preallocate"]);
        Assert.Equal("keep_all", settings["db.tx_log.rotation.retention_policy"]);
        Assert.Equal("neo4j", settings["initial.dbms.default_database"]);
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("dbms.", StringComparison.Ordinal));
    }

    [Fact]
    public void Neo4j4_UsesDbmsNames_AndAllowsUpgradeOnlyWhenAsked()
    {
        IReadOnlyList<KeyValuePair<string, string>> plain = Neo4jConfig.Settings(new Neo4jServerVersion(4, 4, 4), s_paths, "neo4j", allowUpgrade: false);
        Dictionary<string, string> settings = Single(plain);

        Assert.Equal("/mnt/data", settings["dbms.directories.data"]);
        Assert.Equal("/mnt/data/transactions", settings["dbms.directories.transaction.logs.root"]);
        Assert.Equal("false", settings["dbms.tx_log.preallocate"]);
        Assert.Equal("false", settings["dbms.store.files.preallocate"]);
        Assert.Equal("true", settings["dbms.tx_log.rotation.retention_policy"]);
        Assert.Equal("neo4j", settings["dbms.default_database"]);
        Assert.False(settings.ContainsKey("dbms.allow_upgrade"));
        Assert.DoesNotContain(settings.Keys, k => k.StartsWith("server.", StringComparison.Ordinal) || k.StartsWith("db.", StringComparison.Ordinal));
        Assert.Equal("true", Single(Neo4jConfig.Settings(new Neo4jServerVersion(4, 4, 4), s_paths, "neo4j", allowUpgrade: true))["dbms.allow_upgrade"]);
    }

    [Fact]
    public void Neo4j3_ServesTheActiveDatabase_WithoutTheLaterNames()
    {
        Dictionary<string, string> settings = Single(Neo4jConfig.Settings(new Neo4jServerVersion(3, 5, 30), s_paths, "graph.db", allowUpgrade: false));

        Assert.Equal("graph.db", settings["dbms.active_database"]);
        Assert.False(settings.ContainsKey("dbms.directories.transaction.logs.root"));
        Assert.False(settings.ContainsKey("dbms.tx_log.preallocate"));
    }

    [Fact]
    public void Rewrite_CommentsOutWhatItReplaces_KeepsTheRest_AndAppendsItsSettings()
    {
        const string original = "# a comment\nserver.directories.data=/var/lib/neo4j/data\nserver.memory.heap.initial_size=512m\n"
            + "server.jvm.additional=-XX:+UseG1GC\nserver.jvm.additional=-Djava.io.tmpdir=/var/tmp\n  db.tx_log.rotation.retention_policy = 2 days\n";
        IReadOnlyList<KeyValuePair<string, string>> settings = Neo4jConfig.Settings(new Neo4jServerVersion(5, 6, 0), s_paths, null, allowUpgrade: false);

        string[] lines = Neo4jConfig.Rewrite(original, settings, "test").Split('\n');

        Assert.Contains("# a comment", lines);
        Assert.Contains("server.memory.heap.initial_size=512m", lines);
        Assert.Contains("server.jvm.additional=-XX:+UseG1GC", lines);
        Assert.Contains("# cowstore-neo4j: replaced below: server.directories.data=/var/lib/neo4j/data", lines);
        Assert.Contains("# cowstore-neo4j: replaced below: server.jvm.additional=-Djava.io.tmpdir=/var/tmp", lines);
        Assert.Contains("# cowstore-neo4j: replaced below:   db.tx_log.rotation.retention_policy = 2 days", lines);
        Assert.Contains("server.directories.data=/mnt/data", lines);
        Assert.Contains("server.jvm.additional=-Djava.io.tmpdir=/state/tmp", lines);
        Assert.Single(lines, l => l.StartsWith("server.directories.data=", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("initial.dbms.default_database", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_CopiesTheConfDirectory_AndMakesTheStateDirectories()
    {
        string root = Path.Combine(Path.GetTempPath(), $"neo4j-conf-{Guid.NewGuid():N}");
        string source = Path.Combine(root, "conf");
        Directory.CreateDirectory(source);
        try
        {
            File.WriteAllText(Path.Combine(source, "neo4j.conf"), "server.directories.logs=/var/log/neo4j\n");
            File.WriteAllText(Path.Combine(source, "server-logs.xml"), "<Configuration/>");
            var paths = new Neo4jSessionPaths(Path.Combine(root, "mnt"), Path.Combine(root, "state"));
            IReadOnlyList<KeyValuePair<string, string>> settings = Neo4jConfig.Settings(new Neo4jServerVersion(5, 6, 0), paths, "neo4j", allowUpgrade: false);

            string written = Neo4jConfig.Write(source, Path.Combine(root, "out"), settings, paths, "test");

            Assert.Equal(Path.Combine(root, "out", "neo4j.conf"), written);
            Assert.Equal("<Configuration/>", File.ReadAllText(Path.Combine(root, "out", "server-logs.xml")));
            Assert.Contains($"server.directories.logs={paths.Logs}\n", File.ReadAllText(written), StringComparison.Ordinal);
            Assert.All(new[] { paths.Logs, paths.Run, paths.Import, paths.Temp }, d => Assert.True(Directory.Exists(d), d));
            Assert.Equal("server.directories.logs=/var/log/neo4j\n", File.ReadAllText(Path.Combine(source, "neo4j.conf")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static Dictionary<string, string> Single(IReadOnlyList<KeyValuePair<string, string>> settings) =>
        settings.Where(s => !s.Key.EndsWith(".jvm.additional", StringComparison.Ordinal)).ToDictionary(s => s.Key, s => s.Value);
}
