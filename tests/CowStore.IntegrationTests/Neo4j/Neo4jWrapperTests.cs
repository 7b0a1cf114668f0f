using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Run;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Neo4j;

/// <summary>
/// <c>cowstore-neo4j</c> end to end with a stand-in launcher that does to the data directory what Neo4j does
/// (it is not Neo4j: see tests/fixtures/neo4j-standin/bin/neo4j), over copies of real Neo4j stores.
/// </summary>
public sealed class Neo4jWrapperTests
{
    private const int StoppedBySigterm = 128 + 15;

    [Fact]
    public void Keep_RunsTheServerOnTheMount_WithTheGeneratedConf_AndKeepsWhatItWrote()
    {
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "5.6.0");
        string? mountWhileRunning = null;
        bool lockedWhileRunning = false;

        CommandResult result = neo4j.RunUntilStarted(state =>
        {
            mountWhileRunning = Path.Combine(state, "mnt");
            lockedWhileRunning = StoreLockIsHeld(Path.Combine(mountWhileRunning, "databases", "store_lock"));
        }, neo4j.Sandbox.Base, "--keep");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        Assert.True(lockedWhileRunning, "the stand-in's fcntl lock on databases/store_lock was not visible through the mount");
        string state = neo4j.StateDirectory;
        Assert.Equal(Path.Combine(state, "mnt"), mountWhileRunning);
        string conf = File.ReadAllText(Path.Combine(state, "conf", "neo4j.conf"));
        Assert.Contains($"\nserver.directories.data={state}/mnt\n", conf, StringComparison.Ordinal);
        Assert.Contains($"\nserver.directories.transaction.logs.root={state}/mnt/transactions\n", conf, StringComparison.Ordinal);
        foreach (string dir in new[] { "logs", "run", "import" })
        {
            Assert.Contains($"\nserver.directories.{dir}={state}/{dir}\n", conf, StringComparison.Ordinal);
        }
        Assert.Contains("\ndb.tx_log.preallocate=false\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndb.store.files.preallocate=false\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndb.tx_log.rotation.retention_policy=keep_all\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ninitial.dbms.default_database=neo4j\n", conf, StringComparison.Ordinal);
        Assert.Contains($"\nserver.jvm.additional=-Djava.io.tmpdir={state}/tmp\n", conf, StringComparison.Ordinal);
        // The user's own settings stay; the ones the wrapper owns are commented out, never left to win.
        Assert.Contains("\nserver.memory.heap.initial_size=512m\n", conf, StringComparison.Ordinal);
        Assert.Contains("\nserver.jvm.additional=-XX:+UseG1GC\n", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("\ndb.tx_log.rotation.retention_policy=2 days", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("\nserver.jvm.additional=-Djava.io.tmpdir=/var/tmp", conf, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(state, "conf", "server-logs.xml")), "the other files of the conf dir were not copied");
        Assert.True(File.Exists(Path.Combine(state, "tmp", "stand-in-jvm-temp")), "JVM temp did not go to the state directory");
        Assert.Contains("Stopped.", File.ReadAllText(Path.Combine(state, "logs", "neo4j.log")), StringComparison.Ordinal);

        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
        string session = result.LastLine;
        Assert.Equal([session], neo4j.Sandbox.SessionNames());
        string mnt = neo4j.Sandbox.Sessions.NewMountpoint("resumed");
        neo4j.Sandbox.Sessions.CowstoreOk("mount", "--session", session, neo4j.Sandbox.Base, mnt);
        string checkpoint = Path.Combine("transactions", "neo4j", "checkpoint.0");
        Assert.Equal(new FileInfo(Path.Combine(neo4j.Sandbox.Base, checkpoint)).Length + 232, new FileInfo(Path.Combine(mnt, checkpoint)).Length);
        string idFile = Path.Combine("databases", "neo4j", "neostore.nodestore.db.id");
        Assert.Contains("state page: clean", File.ReadAllText(Path.Combine(mnt, idFile)), StringComparison.Ordinal);
        neo4j.Sandbox.Sessions.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void Discard_On4x_UsesThe4xSettingNames_AndDropsTheSession()
    {
        using var neo4j = new Neo4jWrapper("4.4-AF4.3.0", "4.4.4");

        CommandResult result = neo4j.RunUntilStarted(null, neo4j.Sandbox.Base, "--discard");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        string state = neo4j.StateDirectory;
        string conf = File.ReadAllText(Path.Combine(state, "conf", "neo4j.conf"));
        Assert.Contains($"\ndbms.directories.data={state}/mnt\n", conf, StringComparison.Ordinal);
        Assert.Contains($"\ndbms.directories.logs={state}/logs\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndbms.tx_log.preallocate=false\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndbms.store.files.preallocate=false\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndbms.default_database=neo4j\n", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("\ndb.tx_log.preallocate", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("\ndbms.allow_upgrade", conf, StringComparison.Ordinal);
        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
        Assert.Empty(neo4j.Sandbox.SessionNames());
    }

    [Theory]
    [InlineData("4.4-AF4.3.0", "5.6.0")]
    [InlineData("3.5-v0.A.9", "4.4.4")]
    public void MajorVersionMismatch_IsRefused_BeforeAnythingIsMounted(string fixture, string server)
    {
        using var neo4j = new Neo4jWrapper(fixture, server);

        CommandResult result = RunSandbox.Wait(neo4j.Start(neo4j.Sandbox.Base, "--commit"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"refusing to start Neo4j {server}", result.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-upgrade", result.Error, StringComparison.Ordinal);
        Assert.Contains("Neo4j was not started", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(neo4j.StateRoot));
        Assert.Empty(neo4j.Sandbox.SessionNames());
        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
    }

    [Fact]
    public void NewerStoreThanServer_IsRefused_EvenWithAllowUpgrade()
    {
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "4.4.4");

        CommandResult result = RunSandbox.Wait(neo4j.Start(neo4j.Sandbox.Base, "--allow-upgrade", "--discard"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("not even with --allow-upgrade", result.Error, StringComparison.Ordinal);
        Assert.Empty(neo4j.Sandbox.SessionNames());
        neo4j.Sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void AllowUpgrade_Starts4xOnA35Store_WithAllowUpgradeSet_SaysThereIsNoSystemDatabase_AndRecordsTheOrigin()
    {
        using var neo4j = new Neo4jWrapper("3.5-v0.A.9", "4.4.4");

        CommandResult result = neo4j.RunUntilStarted(null, neo4j.Sandbox.Base, "--allow-upgrade", "--commit");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        // The format read before the start is not the committed one any more: it is recorded as the origin.
        CommandResult log = neo4j.Sandbox.Sessions.CowstoreOk("log", "-n", "1", result.LastLine);
        Assert.Contains("Meta:   neo4j.upgradedFrom=v0.A.9", log.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("neo4j.storeFormat", log.Output, StringComparison.Ordinal);
        Assert.Contains("no system database", result.Error, StringComparison.Ordinal);
        Assert.Contains("upgrades the store at startup", result.Error, StringComparison.Ordinal);
        string conf = File.ReadAllText(Path.Combine(neo4j.StateDirectory, "conf", "neo4j.conf"));
        Assert.Contains("\ndbms.allow_upgrade=true\n", conf, StringComparison.Ordinal);
        Assert.Contains("\ndbms.default_database=graph.db\n", conf, StringComparison.Ordinal);
        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
    }

    [Fact]
    public void Neo4j35Layout_On35_ServesGraphDb()
    {
        using var neo4j = new Neo4jWrapper("3.5-v0.A.9", "3.5.30");

        CommandResult result = neo4j.RunUntilStarted(null, neo4j.Sandbox.Base, "--discard");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        Assert.Contains("Neo4j 3.x layout: databases/graph.db and no system database", result.Error, StringComparison.Ordinal);
        string conf = File.ReadAllText(Path.Combine(neo4j.StateDirectory, "conf", "neo4j.conf"));
        Assert.Contains("\ndbms.active_database=graph.db\n", conf, StringComparison.Ordinal);
        Assert.DoesNotContain("transaction.logs.root", conf, StringComparison.Ordinal);
        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
    }

    [Fact]
    public void SnapshotWithoutSystemDatabase_SaysWhatWillHappen()
    {
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "5.6.0");
        // The same store without its system database: make the base writable for a moment to cut it out.
        SessionSandbox.Shell("chmod", "-R", "u+w", neo4j.Sandbox.Base);
        Directory.Delete(Path.Combine(neo4j.Sandbox.Base, "databases", "system"), recursive: true);
        Directory.Delete(Path.Combine(neo4j.Sandbox.Base, "transactions", "system"), recursive: true);
        neo4j.Sandbox.Sessions.SealBase();

        CommandResult result = neo4j.RunUntilStarted(null, neo4j.Sandbox.Base, "--discard");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        Assert.Contains("no databases/system in the snapshot", result.Error, StringComparison.Ordinal);
        Assert.Contains("creates a new, empty system database in the session", result.Error, StringComparison.Ordinal);
        neo4j.Sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void DirectoryWithoutNeo4j_IsRejected_WithoutMounting()
    {
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "5.6.0");
        string outer = Path.Combine(neo4j.Sandbox.Root, "not-neo4j");
        Directory.CreateDirectory(outer);

        CommandResult rejected = RunSandbox.Wait(neo4j.Start(outer, "--discard"));

        Assert.True(rejected.ExitCode == 3, rejected.ToString());
        Assert.Contains("is not a Neo4j data directory", rejected.Error, StringComparison.Ordinal);
        Assert.Empty(neo4j.Sandbox.SessionNames());
        neo4j.Sandbox.AssertNoMountLeft();
    }

    [Fact]
    public void Commit_RecordsTheNeo4jVersionAndStoreFormat_AndTheSnapshotRunsAgain()
    {
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "5.6.0");

        CommandResult result = neo4j.RunUntilStarted(null, neo4j.Sandbox.Base, "--commit", "-m", "stand-in run");

        Assert.True(result.ExitCode == StoppedBySigterm, result.ToString());
        string id = result.LastLine;
        neo4j.Sandbox.AssertNoMountLeft();
        neo4j.AssertBaseUntouched();
        CommandResult log = neo4j.Sandbox.Sessions.CowstoreOk("log", "-n", "1", id);
        Assert.Contains("Meta:   neo4j.version=5.6.0", log.Output, StringComparison.Ordinal);
        Assert.Contains("Meta:   neo4j.storeFormat=record-aligned-1.1", log.Output, StringComparison.Ordinal);
        Assert.Contains("stand-in run", log.Output, StringComparison.Ordinal);

        // The committed snapshot is a base for the wrapper too (looked at through a short ephemeral mount).
        CommandResult again = neo4j.RunUntilStarted(null, id, "--discard");
        Assert.True(again.ExitCode == StoppedBySigterm, again.ToString());
        Assert.Contains("(record-aligned-1.1)", again.Error, StringComparison.Ordinal);
        neo4j.Sandbox.AssertNoMountLeft();
        Assert.Empty(neo4j.Sandbox.SessionNames());
    }

    /// <summary>posix-probe, another process, tries the fcntl lock Neo4j holds on store_lock.</summary>
    private static bool StoreLockIsHeld(string storeLock)
    {
        ProcessResult probe = ProcessRunner.Run(TestBinaries.Probe(), ["try-lock-fcntl", storeLock]);
        return probe.ExitCode == 1 && (probe.Stdout.Contains("EAGAIN", StringComparison.Ordinal) || probe.Stdout.Contains("EACCES", StringComparison.Ordinal));
    }
}
