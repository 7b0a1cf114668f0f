using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using Xunit;

namespace CowStore.UnitTests.Projects;

/// <summary>Recognising Nix store paths and naming GC roots (no Nix command runs here).</summary>
public sealed class NixStorePathTests
{
    [Theory]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db", "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db")]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db/data/databases", "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db")]
    [InlineData("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db/", "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db")]
    [InlineData("/nix/store", null)]
    [InlineData("/nix/store/not-a-hash", null)]
    [InlineData("/nix/store/0123456789abcdefghijklmnpqrsvwxy-e-is-not-base32", null)]
    [InlineData("/home/ana/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x", null)]
    [InlineData("/srv/db", null)]
    public void StorePathOf_FindsTheTopLevelStorePath(string path, string? expected)
    {
        Assert.Equal(expected, NixStore.StorePathOf(path));
    }

    [Theory]
    [InlineData("movies-db", true)]
    [InlineData("snap+1_a?=b", true)]
    [InlineData(".hidden", false)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    public void IsValidName_FollowsNixsRules(string name, bool valid) => Assert.Equal(valid, NixStore.IsValidName(name));

    [Fact]
    public void GcRoots_LiveInTheStateDirectory_OneNamePerDependant()
    {
        var roots = new NixGcRoots(new StateDirectory("/var/lib/cowstore"));
        Assert.Equal("/var/lib/cowstore/gcroots", roots.Directory);
        Assert.Equal("/var/lib/cowstore/gcroots/session-graph.abc", roots.LinkPath(NixGcRoots.SessionRoot("graph.abc")));
        Assert.Equal("/var/lib/cowstore/gcroots/snapshot-1f2e", roots.LinkPath(NixGcRoots.SnapshotRoot("1f2e")));
        Assert.Throws<ArgumentException>(() => roots.LinkPath("../escape"));
        Assert.Null(roots.Protect("session-x", "/srv/not-in-the-store"));
    }

    [Fact]
    public void GcRoots_ReleaseAndSweep_WorkOnTheLinksAlone()
    {
        using var directory = new CowStore.UnitTests.Cli.TestDirectory();
        var roots = new NixGcRoots(new StateDirectory(directory.Path));
        Assert.Empty(roots.List());
        Directory.CreateDirectory(roots.Directory);
        // Links as nix-store --add-root leaves them; the targets need not exist for release.
        File.CreateSymbolicLink(roots.LinkPath("session-live"), "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a");
        File.CreateSymbolicLink(roots.LinkPath("session-gone"), "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-b");
        Assert.Equal("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a", roots.ProtectedPath("session-live"));

        Assert.Equal(["session-gone"], roots.ReleaseAllExcept(name => name == "session-live"));
        Assert.Equal(["session-live"], roots.List().Keys);
        Assert.True(roots.Release("session-live"));
        Assert.False(roots.Release("session-live"));
        Assert.Null(roots.ProtectedPath("session-live"));
    }
}
