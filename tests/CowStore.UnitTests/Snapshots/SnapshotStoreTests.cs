using System.Text.Json;
using CowStore.Core.Snapshots;
using Xunit;
using static CowStore.UnitTests.Snapshots.ManifestSamples;

namespace CowStore.UnitTests.Snapshots;

public sealed class SnapshotStoreTests
{
    [Fact]
    public void PublishCreatesTheDocumentedLayout()
    {
        using var fixture = new StoreFixture(nameof(PublishCreatesTheDocumentedLayout));
        SnapshotStore store = fixture.Store;
        string id = fixture.Commit(null, "a", 1, 2);

        Assert.True(store.Contains(id));
        Assert.True(File.Exists(Path.Combine(store.Root, "snapshots", id, "manifest")));
        Assert.True(File.Exists(Path.Combine(store.Root, "snapshots", id, "snapshot.json")));
        Assert.True(File.Exists(Path.Combine(store.Root, "bases", fixture.Base.Id + ".json")));
        Assert.Single(store.PackIds());
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.TmpDirectory));

        SnapshotRecord record = store.ReadRecord(id);
        Assert.Equal((id, fixture.Base.Id, (string?)null, "add a", 2L, 2 * 4096L, (long?)1), (record.Id, record.BaseId, record.ParentId, record.Message, record.NewBlocks, record.NewBytes, record.FileCount));
        Manifest manifest = store.ReadManifest(id);
        Assert.Equal(["", "a"], manifest.Entries.Keys);
        string json = File.ReadAllText(Path.Combine(store.Root, "snapshots", id, "snapshot.json"));
        Assert.Contains("\"formatVersion\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"baseId\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void PublishingTheSameContentAgainKeepsTheExistingSnapshotAndDropsThePack()
    {
        using var fixture = new StoreFixture(nameof(PublishingTheSameContentAgainKeepsTheExistingSnapshotAndDropsThePack));
        string first = fixture.Commit(null, "a", 1, 2);
        DateTimeOffset created = fixture.Store.ReadRecord(first).CreatedAt;
        string second = fixture.Commit(null, "a", 1, 2);
        Assert.Equal(first, second);
        Assert.Equal(created, fixture.Store.ReadRecord(first).CreatedAt);
        Assert.Single(fixture.Store.PackIds());
        Assert.Empty(Directory.EnumerateFileSystemEntries(fixture.Store.TmpDirectory));
    }

    [Fact]
    public void ChildSharesBlocksWithItsParent()
    {
        using var fixture = new StoreFixture(nameof(ChildSharesBlocksWithItsParent));
        string parent = fixture.Commit(null, "a", 1, 2);
        string child = fixture.Commit(parent, "b", 2, 3);
        SnapshotRecord record = fixture.Store.ReadRecord(child);
        Assert.Equal(parent, record.ParentId);
        Assert.Equal(1, record.NewBlocks); // block 2 is found in the parent's pack
        Assert.Equal(2, fixture.Store.ReadManifest(child).Packs.Count);
        Assert.Equal(new[] { parent, child }.Order(StringComparer.Ordinal), fixture.Store.ListSnapshots().Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PublishRefusesMissingParentAndMismatchedRecord()
    {
        using var fixture = new StoreFixture(nameof(PublishRefusesMissingParentAndMismatchedRecord));
        string ghost = SnapshotId.OfText("ghost");
        var manifest = new Manifest { BaseId = fixture.Base.Id, ParentId = ghost };
        var record = new SnapshotRecord { Id = SnapshotId.OfText("x"), BaseId = fixture.Base.Id, ParentId = ghost };
        Assert.Throws<InvalidOperationException>(() => fixture.Store.Publish(manifest, record, null));
        Assert.Throws<ArgumentException>(() => fixture.Store.Publish(manifest, record with { ParentId = null }, null));
        var missingPack = new Manifest { BaseId = fixture.Base.Id, Packs = [PackA] };
        Assert.Throws<InvalidOperationException>(() => fixture.Store.Publish(missingPack, record with { ParentId = null }, null));
        Assert.Empty(fixture.Store.SnapshotIds());
    }

    [Fact]
    public void RecordFromANewerCowstoreIsRefused()
    {
        using var fixture = new StoreFixture(nameof(RecordFromANewerCowstoreIsRefused));
        string id = fixture.Commit(null, "a", 1);
        string path = Path.Combine(fixture.Store.SnapshotDirectory(id), "snapshot.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"formatVersion\": 1", "\"formatVersion\": 2", StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => fixture.Store.ReadRecord(id));
        Assert.Contains("newer cowstore", error.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{");
        Assert.Throws<InvalidDataException>(() => fixture.Store.ReadRecord(id));
    }

    [Fact]
    public void HalfPublishedWorkInTmpIsInvisible()
    {
        using var fixture = new StoreFixture(nameof(HalfPublishedWorkInTmpIsInvisible));
        string tmp = Path.Combine(fixture.Store.TmpDirectory, "snapshot-999999-abc");
        Directory.CreateDirectory(tmp);
        File.WriteAllBytes(Path.Combine(tmp, "manifest"), [1, 2, 3]);
        Assert.Empty(fixture.Store.ListSnapshots());
        Assert.Empty(fixture.Store.SnapshotIds());
    }

    [Fact]
    public void ResolvesTagsIdsAndPrefixes()
    {
        using var fixture = new StoreFixture(nameof(ResolvesTagsIdsAndPrefixes));
        SnapshotStore store = fixture.Store;
        string id = fixture.Commit(null, "a", 1);

        Assert.Equal(new StoreObject(StoreObjectKind.Snapshot, id), store.Resolve(id));
        Assert.Equal(new StoreObject(StoreObjectKind.Snapshot, id), store.Resolve(id[..6]));
        Assert.Equal(new StoreObject(StoreObjectKind.Base, fixture.Base.Id), store.Resolve(fixture.Base.Id));
        store.SetTag("prod", id);
        Assert.Equal(new StoreObject(StoreObjectKind.Snapshot, id), store.Resolve("prod"));
        // A tag spelled like a prefix of another object wins over the prefix.
        store.SetTag(fixture.Base.Id[..5], id);
        Assert.Equal(new StoreObject(StoreObjectKind.Snapshot, id), store.Resolve(fixture.Base.Id[..5]));
    }

    [Fact]
    public void ResolveExplainsUnknownShortAndAmbiguousNames()
    {
        using var fixture = new StoreFixture(nameof(ResolveExplainsUnknownShortAndAmbiguousNames));
        SnapshotStore store = fixture.Store;
        string id = fixture.Commit(null, "a", 1);
        Assert.Contains("too short", Assert.Throws<SnapshotResolveException>(() => store.Resolve(id[..3])).Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot, base or tag", Assert.Throws<SnapshotResolveException>(() => store.Resolve("zzzzzzzz")).Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot, base or tag", Assert.Throws<SnapshotResolveException>(() => store.Resolve("no-such-tag")).Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot or base", Assert.Throws<SnapshotResolveException>(() => store.Resolve(SnapshotId.OfText("nothing"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AmbiguousPrefixListsEveryCandidate()
    {
        using var fixture = new StoreFixture(nameof(AmbiguousPrefixListsEveryCandidate));
        // Two ids sharing a 4-character prefix: search seeds until two snapshots collide on the first 4 characters.
        var byPrefix = new Dictionary<string, string>(StringComparer.Ordinal);
        string? prefix = null;
        for (int i = 0; prefix is null; i++)
        {
            string id = SnapshotIdentity.ComputeId(EmptyFileManifest(fixture, "f" + i), (_, _, _) => { });
            if (!byPrefix.TryAdd(id[..4], "f" + i))
            {
                prefix = id[..4];
                PublishEmptyFile(fixture, byPrefix[prefix]);
                PublishEmptyFile(fixture, "f" + i);
            }
        }
        var error = Assert.Throws<SnapshotResolveException>(() => fixture.Store.Resolve(prefix));
        Assert.Equal(2, error.Candidates.Count);
        Assert.All(error.Candidates, c => Assert.Contains(c.Id, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TagsCanBeSetMovedListedAndDeleted()
    {
        using var fixture = new StoreFixture(nameof(TagsCanBeSetMovedListedAndDeleted));
        SnapshotStore store = fixture.Store;
        string a = fixture.Commit(null, "a", 1);
        string b = fixture.Commit(a, "b", 2);
        store.SetTag("v1", a);
        store.SetTag("v1", b);
        store.SetTag("base-tag", fixture.Base.Id);
        Assert.Equal(b + "\n", File.ReadAllText(Path.Combine(store.TagsDirectory, "v1")));
        Assert.Equal(new Dictionary<string, string> { ["base-tag"] = fixture.Base.Id, ["v1"] = b }, store.ListTags());
        Assert.True(store.DeleteTag("v1"));
        Assert.False(store.DeleteTag("v1"));
        Assert.Null(store.ReadTag("v1"));
        Assert.Throws<ArgumentException>(() => store.SetTag("v2", SnapshotId.OfText("unknown")));
        Assert.Empty(Directory.EnumerateFiles(store.TagsDirectory, ".*"));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("v1.0_rc-2", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("-option", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void TagNameRules(string name, bool valid)
    {
        Assert.Equal(valid, SnapshotStore.IsValidTagName(name));
        Assert.Equal(valid, SnapshotStore.IsValidTagName(name));
        Assert.False(SnapshotStore.IsValidTagName(new string('a', 101)));
        Assert.True(SnapshotStore.IsValidTagName(new string('a', 100)));
    }

    [Fact]
    public void LockIsExclusiveBetweenInstancesAndReentrantWithinOne()
    {
        using var fixture = new StoreFixture(nameof(LockIsExclusiveBetweenInstancesAndReentrantWithinOne));
        var other = new SnapshotStore(fixture.Store.Root);
        using (fixture.Store.AcquireLock(TimeSpan.FromSeconds(1)))
        {
            using (fixture.Store.AcquireLock(TimeSpan.FromSeconds(1)))
            {
                fixture.Store.SetTag("inside", fixture.Base.Id);
            }
            Assert.Throws<StoreLockedException>(() => other.AcquireLock(TimeSpan.FromMilliseconds(200)));
        }
        using (other.AcquireLock(TimeSpan.FromSeconds(1)))
        {
            Assert.Equal(fixture.Base.Id, other.ReadTag("inside"));
        }
    }

    private static Manifest EmptyFileManifest(StoreFixture fixture, string path)
    {
        var manifest = new Manifest { BaseId = fixture.Base.Id };
        manifest.Entries.Add("", DirEntry(""));
        manifest.Entries.Add(path, FileEntry(path, 0));
        return manifest;
    }

    private static void PublishEmptyFile(StoreFixture fixture, string path)
    {
        Manifest manifest = EmptyFileManifest(fixture, path);
        string id = SnapshotIdentity.ComputeId(manifest, (_, _, _) => { });
        fixture.Store.Publish(manifest, new SnapshotRecord { Id = id, BaseId = fixture.Base.Id }, null);
    }
}
