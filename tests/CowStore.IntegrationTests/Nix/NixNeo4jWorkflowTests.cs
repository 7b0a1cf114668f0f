using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Neo4j;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary>
/// The user's whole workflow with real Nix: a database built by a derivation into /nix/store, the Neo4j wrapper on
/// it (with the stand-in launcher: Neo4j is not installable here), a commit, and the snapshot back into the Nix store.
/// </summary>
[Trait("Requires", "root")]
public sealed class NixNeo4jWorkflowTests
{
    private const int StoppedBySigterm = 128 + 15;

    [Fact]
    public void NixBuiltNeo4jData_WrapperCommits_ExportToNixRoundTrips()
    {
        Assert.True(Sys.IsRoot, "this test needs root (the single-user Nix store belongs to root)");
        using var neo4j = new Neo4jWrapper("5.6-record-aligned-1.1", "5.6.0");
        string version = $"workflow-{Guid.NewGuid().ToString("N")[..10]}";
        ProcessResult build = NixSamples.Nix("nix-build",
        [
            NixSamples.NixExpressions, "-A", "samples.neo4j", "--argstr", "sampleVersion", version,
            "--arg", "neo4jData", Neo4jFixtures.DataDirectory("5.6-record-aligned-1.1"), "--no-out-link",
        ], TimeSpan.FromMinutes(5));
        string storePath = build.Stdout.Trim().Split('\n').Last();
        Assert.StartsWith("/nix/store/", storePath, StringComparison.Ordinal);
        string before = TreeDigest.Of(storePath);

        CommandResult run = neo4j.RunUntilStarted(null, storePath, "--commit", "-m", "from nix");
        Assert.True(run.ExitCode == StoppedBySigterm, run.ToString());
        string id = run.LastLine;
        Assert.Matches("^[0-9a-df-np-sv-z]{52}$", id);
        neo4j.Sandbox.AssertNoMountLeft();
        Assert.Equal(before, TreeDigest.Of(storePath));
        NixSamples.Nix("nix-store", ["--verify-path", storePath]);

        CommandResult exported = neo4j.Sandbox.Sessions.CowstoreOk("export", id, "--to-nix");
        string snapshotPath = exported.LastLine;
        Assert.StartsWith("/nix/store/", snapshotPath, StringComparison.Ordinal);
        NixSamples.Nix("nix-store", ["--verify-path", snapshotPath]);
        string plain = Path.Combine(neo4j.Sandbox.Root, "plain-export");
        neo4j.Sandbox.Sessions.CowstoreOk("export", id, plain);
        Assert.Equal(NixSamples.Fingerprint(plain), NixSamples.Fingerprint(snapshotPath));
        // The stand-in changed the store the way Neo4j does (checkpoint appended): the snapshot is not the base.
        Assert.NotEqual(NixSamples.Fingerprint(storePath), NixSamples.Fingerprint(snapshotPath));
    }
}
