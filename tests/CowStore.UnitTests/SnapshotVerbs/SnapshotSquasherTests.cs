using CowStore.Core.Snapshots;
using CowStore.UnitTests.Snapshots;
using Xunit;

namespace CowStore.UnitTests.SnapshotVerbs;

public sealed class SnapshotSquasherTests
{
    [Fact]
    public void Squash_PublishesTheSameManifestWithoutParent_UnderTheDirectCommitsId()
    {
        using var fixture = new StoreFixture(nameof(Squash_PublishesTheSameManifestWithoutParent_UnderTheDirectCommitsId));
        string one = fixture.Commit(null, "a", 1, 2);
        string two = fixture.Commit(one, "b", 3);
        string three = fixture.Commit(two, "c", 4, 1);
        IReadOnlyList<string> packs = fixture.Store.PackIds();

        SquashResult result = SnapshotSquasher.Squash(fixture.Store, three);

        Assert.False(result.AlreadyExisted);
        Assert.NotEqual(three, result.Id);
        Manifest original = fixture.Store.ReadManifest(three);
        Manifest squashed = fixture.Store.ReadManifest(result.Id);
        Assert.Null(squashed.ParentId);
        Assert.Equal(original.Entries.Keys, squashed.Entries.Keys);
        Assert.Equal(original.Entries.Values.Select(e => e.Runs.ToList()), squashed.Entries.Values.Select(e => e.Runs.ToList()));
        Assert.Equal(packs, fixture.Store.PackIds());
        SnapshotRecord record = fixture.Store.ReadRecord(result.Id);
        Assert.Null(record.ParentId);
        Assert.Equal(three, record.Metadata[SnapshotSquasher.SquashedFromKey]);
        Assert.Equal(0, record.NewBytes);

        // The identity of the same content committed directly on the base.
        var direct = new Manifest { BaseId = original.BaseId, ParentId = null, Packs = original.Packs, Entries = original.Entries };
        Assert.Equal(SnapshotIdentity.ComputeId(direct, SnapshotSquasher.PackDigests(fixture.Store, direct)), result.Id);

        Assert.Equal(new SquashResult(result.Id, true), SnapshotSquasher.Squash(fixture.Store, three));
        Assert.Equal(new SquashResult(result.Id, true), SnapshotSquasher.Squash(fixture.Store, result.Id));
        Assert.Empty(StoreVerifier.Verify(fixture.Store, null));
    }
}
