using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary>Once mount and session removal call NixGcRoots: a mounted store-path base is a GC root until its session ends.</summary>
[Trait("Requires", "root")]
public sealed class NixMountWiringTests
{
    [Fact]
    public void MountOfAStorePath_RegistersASessionRoot_EndingTheSessionReleasesIt()
    {
        Assert.True(Sys.IsRoot, "this test needs root");
        using var sandbox = new SessionSandbox();
        string storePath = NixSamples.Build("sqlite", version: $"wiring-{Guid.NewGuid().ToString("N")[..10]}");
        var roots = new NixGcRoots(new StateDirectory(sandbox.Home));
        string mnt = sandbox.NewMountpoint();

        string persistent = sandbox.CowstoreOk("mount", storePath, mnt).LastLine;
        Assert.Equal(storePath, roots.ProtectedPath(NixGcRoots.SessionRoot(persistent)));
        Assert.Contains("still alive", NixSamples.TryNix("nix-store", ["--delete", storePath]).Stderr, StringComparison.Ordinal);
        sandbox.CowstoreOk("umount", persistent);
        Assert.Equal(storePath, roots.ProtectedPath(NixGcRoots.SessionRoot(persistent))); // detached: still depends on it

        string ephemeral = sandbox.CowstoreOk("mount", "--ephemeral", storePath, mnt).LastLine;
        Assert.Equal(storePath, roots.ProtectedPath(NixGcRoots.SessionRoot(ephemeral)));
        sandbox.CowstoreOk("umount", ephemeral);
        Assert.Null(roots.ProtectedPath(NixGcRoots.SessionRoot(ephemeral)));
        Assert.True(roots.Release(NixGcRoots.SessionRoot(persistent)));
        NixSamples.Nix("nix-store", ["--delete", storePath]);
    }
}
