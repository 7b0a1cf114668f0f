using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using CowStore.Store.Nix;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary>
/// A database built by <c>nix-build</c> (scripts/nix, mkDatabase) mounted writable with <c>cowstore mount</c>:
/// the engine writes through the mount and the store path stays exactly what Nix recorded.
/// Root only: the single-user store on these machines belongs to root and has no nix-daemon.
/// </summary>
[Trait("Requires", "root")]
public sealed class NixSampleMountTests
{
    [Fact]
    public void SqliteSample_BuildsIntoTheStore_WithItsRows()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        using var sandbox = new SessionSandbox();
        string storePath = NixSamples.Build("sqlite", outLink: Path.Combine(sandbox.Root, "result"));

        Assert.Matches("^/nix/store/[0-9a-z]{32}-cowstore-sample-sqlite-1$", storePath);
        Assert.True(NixStore.IsValid(storePath));
        Assert.True(NixStore.VerifyPath(storePath));
        Assert.Equal("3", Sqlite(Path.Combine(storePath, "sample.db"), "select count(*) from people"));
    }

    [Fact]
    public void MountOfTheStorePath_SqliteWritesThroughIt_TheStorePathIsUntouched()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        using var sandbox = new SessionSandbox();
        string storePath = NixSamples.Build("sqlite", outLink: Path.Combine(sandbox.Root, "result"));
        SortedDictionary<string, string> before = NixSamples.Fingerprint(storePath);
        string mnt = sandbox.NewMountpoint();

        string session = sandbox.CowstoreOk("mount", storePath, mnt).LastLine;
        string db = Path.Combine(mnt, "sample.db");
        Sqlite(db, "insert into people (name, born) values ('Barbara Liskov', 1939); update people set born = born + 0 where id = 1;");
        Assert.Equal("4", Sqlite(db, "select count(*) from people"));
        Assert.Equal("ok", Sqlite(db, "pragma integrity_check"));
        sandbox.CowstoreOk("umount", session);

        Assert.Equal(before, NixSamples.Fingerprint(storePath));
        Assert.True(NixStore.VerifyPath(storePath), "nix-store --verify-path reports the store path as modified");
        Assert.Equal("3", Sqlite(Path.Combine(storePath, "sample.db"), "select count(*) from people"));

        sandbox.CowstoreOk("mount", "--session", session, storePath, mnt);
        Assert.Equal("Barbara Liskov", Sqlite(db, "select name from people where id = 4"));
        sandbox.CowstoreOk("umount", session);
    }

    [Fact]
    public void Neo4jRunner_ExecsCowstoreNeo4jOnTheDatabaseStorePath_AndKeepsItAlive()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        using var sandbox = new SessionSandbox();
        string runner = NixSamples.Build("neo4jRunner", outLink: Path.Combine(sandbox.Root, "runner"));
        string database = NixSamples.Build("sqlite");
        // The runner's script names the database, so Nix records it as a runtime dependency: rooting the runner roots it.
        Assert.Contains(database, NixSamples.Nix("nix-store", ["--query", "--references", runner]).Stdout, StringComparison.Ordinal);

        // A stand-in for scripts/cowstore-neo4j that prints its arguments one per line.
        string bin = Path.Combine(sandbox.Root, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "cowstore-neo4j"), "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        File.SetUnixFileMode(Path.Combine(bin, "cowstore-neo4j"), (UnixFileMode)0x1ED);
        ProcessResult run = ProcessRunner.Run("env", [$"PATH={bin}:/usr/bin:/bin", Path.Combine(runner, "bin", "sample-neo4j"), "--discard", "--", "two words"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([database, "--discard", "--", "two words"], run.Stdout.TrimEnd('\n').Split('\n'));
    }

    private static string Sqlite(string database, string sql)
    {
        ProcessResult result = ProcessRunner.Run("sqlite3", ["-batch", "-bail", database, sql]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }
}
