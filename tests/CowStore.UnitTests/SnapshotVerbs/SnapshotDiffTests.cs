using CowStore.Core.Snapshots;
using CowStore.UnitTests.Snapshots;
using Xunit;

namespace CowStore.UnitTests.SnapshotVerbs;

public sealed class SnapshotDiffTests
{
    [Fact]
    public void ManifestDiff_ReportsAddedRemovedAndChangedBlocks_WithoutReadingContent()
    {
        using var fixture = new StoreFixture(nameof(ManifestDiff_ReportsAddedRemovedAndChangedBlocks_WithoutReadingContent));
        string one = fixture.Commit(null, "data", 1, 2, 3);
        string two = fixture.Commit(one, "data", 1, 9, 3, 4);
        string three = fixture.Commit(two, "more", 5);

        IReadOnlyList<DiffItem> firstFromBase = Diff(fixture, SnapshotDiffSide.OfBase(fixture.Base.Id), one);
        DiffItem added = Assert.Single(firstFromBase, i => i.Path == "data");
        Assert.Equal(DiffChange.Added, added.Change);
        Assert.Equal(3 * 4096, added.ChangedBytes);

        DiffItem changed = Assert.Single(Diff(fixture, SnapshotDiffSide.OfSnapshot(fixture.Store, one), two), i => i.Path == "data");
        Assert.Equal(DiffChange.Changed, changed.Change);
        Assert.Equal(2 * 4096, changed.ChangedBytes); // block 1 replaced, block 3 appended
        Assert.Contains("size 12288 -> 16384", changed.Detail, StringComparison.Ordinal);

        IReadOnlyList<DiffItem> third = Diff(fixture, SnapshotDiffSide.OfSnapshot(fixture.Store, two), three);
        Assert.Equal(["more"], third.Where(i => i.Path.Length > 0).Select(i => i.Path));
        Assert.Equal(DiffChange.Added, third.Single(i => i.Path == "more").Change);

        IReadOnlyList<DiffItem> backwards = Diff(fixture, SnapshotDiffSide.OfSnapshot(fixture.Store, three), one);
        Assert.Equal(DiffChange.Removed, backwards.Single(i => i.Path == "more").Change);
        Assert.Equal(2 * 4096, backwards.Single(i => i.Path == "data").ChangedBytes);
        Assert.Empty(Diff(fixture, SnapshotDiffSide.OfSnapshot(fixture.Store, three), three));
        Assert.DoesNotContain(firstFromBase, i => i.Path == "readme"); // unchanged base file
    }

    [Fact]
    public void ManifestDiff_RefusesSidesOnDifferentBases()
    {
        using var fixture = new StoreFixture(nameof(ManifestDiff_RefusesSidesOnDifferentBases));
        string one = fixture.Commit(null, "data", 1);
        Assert.Throws<ArgumentException>(() => SnapshotDiff.Compare(SnapshotDiffSide.OfBase(ManifestSamples.OtherBaseId), SnapshotDiffSide.OfSnapshot(fixture.Store, one), fixture.BaseDirectory));
    }

    [Fact]
    public void TreeDiff_ComparesAnyTwoDirectoriesByContent()
    {
        using var directory = new SnapshotTestDirectory(nameof(TreeDiff_ComparesAnyTwoDirectoriesByContent));
        string a = directory.CreateDirectory("a");
        string b = directory.CreateDirectory("b");
        byte[] content = new byte[3 * 4096 + 10];
        new Random(1).NextBytes(content);
        File.WriteAllBytes(Path.Combine(a, "f"), content);
        content[4096 + 5] ^= 1;
        File.WriteAllBytes(Path.Combine(b, "f"), content);
        File.WriteAllText(Path.Combine(a, "only-a"), "a");
        File.WriteAllText(Path.Combine(b, "only-b"), "b");
        File.WriteAllText(Path.Combine(a, "same"), "same");
        File.WriteAllText(Path.Combine(b, "same"), "same");

        using SnapshotTree left = SnapshotTree.OpenDirectory(a);
        using SnapshotTree right = SnapshotTree.OpenDirectory(b);
        IReadOnlyList<DiffItem> items = SnapshotTreeDiff.Compare(left, right);
        Assert.Equal(4096, items.Single(i => i.Path == "f").ChangedBytes);
        Assert.Equal(DiffChange.Removed, items.Single(i => i.Path == "only-a").Change);
        Assert.Equal(DiffChange.Added, items.Single(i => i.Path == "only-b").Change);
        Assert.DoesNotContain(items, i => i.Path == "same");
    }

    private static IReadOnlyList<DiffItem> Diff(StoreFixture fixture, SnapshotDiffSide from, string to) =>
        SnapshotDiff.Compare(from, SnapshotDiffSide.OfSnapshot(fixture.Store, to), fixture.BaseDirectory);
}
