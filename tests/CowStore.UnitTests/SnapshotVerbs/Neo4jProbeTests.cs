using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Neo4j;
using CowStore.UnitTests.Neo4j;
using CowStore.UnitTests.Snapshots;
using Xunit;

namespace CowStore.UnitTests.SnapshotVerbs;

public sealed class Neo4jProbeTests
{
    [Fact]
    public void Probe_FindsTheFormat_InADataDirectory_AndUnderData_AndNothingElsewhere()
    {
        using (SnapshotTree tree = SnapshotTree.OpenDirectory(Neo4jFixtures.DataDirectory("4.4-AF4.3.0")))
        {
            IReadOnlyList<Neo4jStoreFormat>? formats = Neo4jProbe.Detect(tree, out _);
            Assert.NotNull(formats);
            Assert.Equal(["neo4j", "system"], formats.Select(f => f.DatabaseName));
            Assert.All(formats, f => Assert.Equal("AF4.3.0", f.StoreFormat));
        }

        using var directory = new SnapshotTestDirectory(nameof(Probe_FindsTheFormat_InADataDirectory_AndUnderData_AndNothingElsewhere));
        string home = directory.CreateDirectory("home");
        Shell("cp", "-a", Neo4jFixtures.DataDirectory("5.6-record-aligned-1.1"), Path.Combine(home, "data"));
        using (SnapshotTree tree = SnapshotTree.OpenDirectory(home))
        {
            IReadOnlyList<Neo4jStoreFormat>? formats = Neo4jProbe.Detect(tree, out _);
            Assert.NotNull(formats);
            Assert.All(formats, f => Assert.Equal("record-aligned-1.1", f.StoreFormat));
        }

        using (SnapshotTree tree = SnapshotTree.OpenDirectory(directory.CreateDirectory("empty")))
        {
            Assert.Null(Neo4jProbe.Detect(tree, out string reason));
            Assert.Contains("no neostore", reason, StringComparison.Ordinal);
        }
    }

    private static void Shell(string program, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(program, arguments);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
