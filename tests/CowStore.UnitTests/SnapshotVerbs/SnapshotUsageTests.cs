using CowStore.Cli.Snapshots;
using CowStore.UnitTests.Snapshots;
using Xunit;

namespace CowStore.UnitTests.SnapshotVerbs;

public sealed class SnapshotUsageTests
{
    [Fact]
    public void UniqueBytes_CountOnlyBlocksNoOtherSnapshotReferences()
    {
        using var fixture = new StoreFixture(nameof(UniqueBytes_CountOnlyBlocksNoOtherSnapshotReferences));
        string one = fixture.Commit(null, "a", 1, 2);       // blocks 1, 2
        string two = fixture.Commit(one, "a", 1, 3);        // keeps 1, replaces 2 by 3
        string other = fixture.Commit(null, "b", 3, 4, 4);  // shares 3 with two; 4 twice counts once

        Dictionary<string, SnapshotUsage.Usage> usage = SnapshotUsage.Measure(fixture.Store, [one, two, other]);

        Assert.Equal(new SnapshotUsage.Usage(2 * 4096, 4096), usage[one]);   // 2 is its own
        Assert.Equal(new SnapshotUsage.Usage(2 * 4096, 0), usage[two]);      // 1 shared with one, 3 with other
        Assert.Equal(new SnapshotUsage.Usage(2 * 4096, 4096), usage[other]); // 4
    }
}
