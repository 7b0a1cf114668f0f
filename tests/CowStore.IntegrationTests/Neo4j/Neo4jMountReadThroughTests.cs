using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using CowStore.Store.Neo4j;
using Xunit;

namespace CowStore.IntegrationTests.Neo4j;

/// <summary>
/// Real Neo4j data directories (3.5 to 5.6) mounted through <c>cowstore mount</c> read back exactly
/// as they are in the base, and the store-format reader sees the same formats through the mount.
/// </summary>
public sealed class Neo4jMountReadThroughTests
{
    [Theory]
    [InlineData("3.5-v0.A.9")]
    [InlineData("4.0-SF4.0.0")]
    [InlineData("4.2-AF4.1.a")]
    [InlineData("4.4-AF4.3.0")]
    [InlineData("5.3-record-aligned-1.1")]
    [InlineData("5.6-record-aligned-1.1")]
    public void MountedFixture_ReadsBackByteIdentical_AndDetectsTheSameFormat(string label)
    {
        string data = Neo4jFixtures.DataDirectory(label);
        IReadOnlyList<Neo4jStoreFormat> direct = Neo4jStoreReader.Detect(data);
        using var sandbox = new SessionSandbox($"neo4j-{label}");
        string mnt = sandbox.NewMountpoint();

        sandbox.CowstoreOk("mount", data, mnt);
        Assert.True(MountInfo.IsMounted(mnt), $"{mnt} is not mounted");

        int compared = TreeComparison.AssertIdentical(data, mnt);
        Assert.Equal(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Count(), compared);
        Assert.True(compared > 10, $"only {compared} files compared");
        IReadOnlyList<Neo4jStoreFormat> throughMount = Neo4jStoreReader.Detect(mnt);
        Assert.Equal(direct.Select(f => RelativeTo(data, f)), throughMount.Select(f => RelativeTo(mnt, f)));

        sandbox.CowstoreOk("umount", mnt);
        Assert.False(MountInfo.IsMounted(mnt), $"{mnt} is still mounted after cowstore umount");
    }

    /// <summary>The same result with the neostore path made relative, so base and mount compare equal.</summary>
    private static Neo4jStoreFormat RelativeTo(string root, Neo4jStoreFormat format) =>
        format with { Details = format.Details with { NeostorePath = Path.GetRelativePath(root, format.Details.NeostorePath) } };
}
