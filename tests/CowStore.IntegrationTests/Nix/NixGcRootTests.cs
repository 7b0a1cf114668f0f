using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary>
/// <see cref="NixGcRoots"/> against the real collector: a protected base survives <c>nix-store --delete</c> and is
/// not among what <c>nix-collect-garbage</c> would remove (asked with <c>--gc --print-dead</c>, which deletes
/// nothing: a real collection would also take other tests' unrooted store paths); released, it goes.
/// </summary>
[Trait("Requires", "root")]
public sealed class NixGcRootTests
{
    [Fact]
    public void ProtectedBase_SurvivesDeleteAndGc_WhileMounted_ReleasedItCanBeCollected()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        using var sandbox = new SessionSandbox();
        // A store path of this test alone, without an out-link: nothing but our root keeps it.
        string storePath = NixSamples.Build("sqlite", version: $"gc-{Guid.NewGuid().ToString("N")[..10]}");
        var roots = new NixGcRoots(new StateDirectory(sandbox.Home));
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", storePath, mnt).LastLine;
        try
        {
            Assert.Equal(storePath, roots.Protect(NixGcRoots.SessionRoot(session), Path.Combine(storePath, "sample.db")));
            Assert.Equal(storePath, roots.ProtectedPath(NixGcRoots.SessionRoot(session)));
            Assert.Contains(roots.LinkPath(NixGcRoots.SessionRoot(session)), NixSamples.Nix("nix-store", ["--query", "--roots", storePath]).Stdout, StringComparison.Ordinal);

            ProcessResult delete = NixSamples.TryNix("nix-store", ["--delete", storePath]);
            Assert.True(delete.ExitCode != 0, $"nix-store --delete removed a protected base: {delete}");
            Assert.Contains("still alive", delete.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(storePath, DeadPaths());
            Assert.True(Directory.Exists(storePath));
            Assert.True(File.Exists(Path.Combine(mnt, "sample.db")), "the mount lost its base");
        }
        finally
        {
            sandbox.CowstoreOk("umount", session);
        }

        Assert.True(roots.Release(NixGcRoots.SessionRoot(session)));
        Assert.False(roots.Release(NixGcRoots.SessionRoot(session)));
        Assert.Contains(storePath, DeadPaths());
        NixSamples.Nix("nix-store", ["--delete", storePath]);
        Assert.False(Directory.Exists(storePath));
    }

    [Fact]
    public void TryProtect_TurnsANixFailureIntoOneWarning()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        using var sandbox = new SessionSandbox();
        var roots = new NixGcRoots(new StateDirectory(sandbox.Home));
        var warnings = new StringWriter();
        const string missing = "/nix/store/00000000000000000000000000000000-cowstore-never-built";
        Assert.Null(roots.TryProtect("session-x", missing, warnings));
        Assert.StartsWith($"cowstore: warning: {missing} is not protected from nix-collect-garbage: nix-store", warnings.ToString(), StringComparison.Ordinal);
        Assert.Null(roots.ProtectedPath("session-x"));
    }

    private static string[] DeadPaths() =>
        NixSamples.Nix("nix-store", ["--gc", "--print-dead"], TimeSpan.FromMinutes(5)).Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
