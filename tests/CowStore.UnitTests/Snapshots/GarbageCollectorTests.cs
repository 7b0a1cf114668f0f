using CowStore.Core.Snapshots;
using Xunit;

namespace CowStore.UnitTests.Snapshots;

public sealed class GarbageCollectorTests
{
    /// <summary>
    /// base ─ a ─ b ─ c (tagged)
    ///          └─ d ─ e (dead branch: untagged, no session)
    /// plus f on the base, the root of a (detached) session.
    /// </summary>
    private static (string A, string B, string C, string D, string E, string F) BuildLineage(StoreFixture fixture)
    {
        string a = fixture.Commit(null, "a", 1);
        string b = fixture.Commit(a, "b", 2);
        string c = fixture.Commit(b, "c", 3);
        string d = fixture.Commit(a, "d", 4, 5);
        string e = fixture.Commit(d, "e", 6);
        string f = fixture.Commit(null, "f", 7);
        fixture.Store.SetTag("release", c);
        return (a, b, c, d, e, f);
    }

    [Fact]
    public void KeepsRootsTagsAndAncestorsAndFreesADeadBranch()
    {
        using var fixture = new StoreFixture(nameof(KeepsRootsTagsAndAncestorsAndFreesADeadBranch));
        SnapshotStore store = fixture.Store;
        var (a, b, c, d, e, f) = BuildLineage(fixture);
        string deadPackD = store.ReadManifest(d).Packs[^1];
        string deadPackE = store.ReadManifest(e).Packs[^1];
        long expectedPackBytes = new[] { deadPackD, deadPackE }.Sum(p =>
            new FileInfo(PackIndex.PackPath(store.PacksDirectory, p)).Length + new FileInfo(PackIndex.IndexPath(store.PacksDirectory, p)).Length);
        long expectedSnapshotBytes = new[] { d, e }.Sum(id => new DirectoryInfo(store.SnapshotDirectory(id)).EnumerateFiles().Sum(x => x.Length));
        string unusedBase = store.RegisterBase(fixture.Directory.CreateDirectory("unused")).Id;
        string sessionBase = store.RegisterBase(fixture.Directory.CreateDirectory("session-base")).Id;

        long reported = 0;
        GcReport report = GarbageCollector.Run(store, [f], [sessionBase], dryRun: false, new Progress(x => reported = x));

        Assert.Equal(new[] { d, e }.Order(StringComparer.Ordinal), report.SnapshotsFreed.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { deadPackD, deadPackE }.Order(StringComparer.Ordinal), report.PacksFreed);
        Assert.Equal([unusedBase], report.BasesForgotten);
        Assert.True(report.BytesFreed >= expectedPackBytes + expectedSnapshotBytes, $"{report.BytesFreed} < {expectedPackBytes + expectedSnapshotBytes}");
        Assert.Equal(report.BytesFreed, reported);
        Assert.Equal(4, report.LiveSnapshots);
        Assert.Empty(report.MissingSnapshots);

        Assert.Equal(new[] { a, b, c, f }.Order(StringComparer.Ordinal), store.SnapshotIds());
        Assert.True(store.ContainsBase(fixture.Base.Id));
        Assert.True(store.ContainsBase(sessionBase));
        Assert.False(store.ContainsBase(unusedBase));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.TmpDirectory));
        Assert.Empty(StoreVerifier.Verify(store, null));
        // Everything a survivor reads is still there.
        foreach (string id in new[] { a, b, c, f })
        {
            using LowerSnapshot opened = LowerSnapshot.Open(id, store.ReadManifest(id), store.PacksDirectory);
        }

        GcReport second = GarbageCollector.Run(store, [f], [sessionBase], dryRun: false);
        Assert.Empty(second.SnapshotsFreed);
        Assert.Empty(second.PacksFreed);
        Assert.Equal(0, second.BytesFreed);
    }

    [Fact]
    public void DryRunReportsTheSameAndDeletesNothing()
    {
        using var fixture = new StoreFixture(nameof(DryRunReportsTheSameAndDeletesNothing));
        SnapshotStore store = fixture.Store;
        var (_, _, _, d, e, f) = BuildLineage(fixture);
        string[] before = Directory.EnumerateFileSystemEntries(store.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

        GcReport dry = GarbageCollector.Run(store, [f], [], dryRun: true);
        Assert.True(dry.DryRun);
        Assert.Equal(new[] { d, e }.Order(StringComparer.Ordinal), dry.SnapshotsFreed.Order(StringComparer.Ordinal));
        Assert.Equal(2, dry.PacksFreed.Count);
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(store.Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray());

        GcReport real = GarbageCollector.Run(store, [f], [], dryRun: false);
        Assert.Equal(dry.SnapshotsFreed, real.SnapshotsFreed);
        Assert.Equal(dry.PacksFreed, real.PacksFreed);
        Assert.Equal(dry.BytesFreed, real.BytesFreed);
    }

    [Fact]
    public void WithoutRootsOnlyTaggedLineageSurvives()
    {
        using var fixture = new StoreFixture(nameof(WithoutRootsOnlyTaggedLineageSurvives));
        var (a, b, c, _, _, _) = BuildLineage(fixture);
        GarbageCollector.Run(fixture.Store, [], [], dryRun: false);
        Assert.Equal(new[] { a, b, c }.Order(StringComparer.Ordinal), fixture.Store.SnapshotIds());
        Assert.Empty(StoreVerifier.Verify(fixture.Store, null));
    }

    [Fact]
    public void CrashLeftoversAreInvisibleAndCleanedByGc()
    {
        using var fixture = new StoreFixture(nameof(CrashLeftoversAreInvisibleAndCleanedByGc));
        SnapshotStore store = fixture.Store;
        string live = fixture.Commit(null, "a", 1);
        const int deadPid = 2_000_000_000; // beyond pid_max: no such process

        // A commit killed after writing part of its snapshot directory in tmp/.
        string halfDir = Path.Combine(store.TmpDirectory, $"snapshot-{deadPid}-0123456789abcdef");
        Directory.CreateDirectory(halfDir);
        File.WriteAllBytes(Path.Combine(halfDir, "manifest"), new byte[100]);
        // ... one killed while writing its pack, one killed between publishing its pack and its snapshot,
        // and a gc killed between renaming a dead snapshot away and deleting it / between an .idx and its .pack.
        File.WriteAllBytes(Path.Combine(store.TmpDirectory, $"pack-{deadPid}-abc.pack"), new byte[8192]);
        string orphanPack;
        using (PackWriter writer = PackWriter.Create(store.TmpDirectory))
        {
            writer.Add(ManifestSamples.Block(50), ManifestSamples.Sha(ManifestSamples.Block(50)));
            orphanPack = writer.Publish(store.PacksDirectory);
        }
        string halfDeletedPack = SnapshotId.OfText("half deleted");
        File.WriteAllBytes(PackIndex.PackPath(store.PacksDirectory, halfDeletedPack), new byte[4096]);
        Directory.CreateDirectory(Path.Combine(store.TmpDirectory, $"gc-{deadPid}-feed"));
        // Work of a live process (this test's) must survive.
        string running = Path.Combine(store.TmpDirectory, $"pack-{Environment.ProcessId}-running.pack");
        File.WriteAllBytes(running, new byte[4096]);

        Assert.Equal([live], store.ListSnapshots().Select(r => r.Id));

        GcReport report = GarbageCollector.Run(store, [live], [], dryRun: false);
        Assert.Equal(new[] { orphanPack, halfDeletedPack }.Order(StringComparer.Ordinal), report.PacksFreed);
        Assert.Equal(3, report.TmpEntriesFreed);
        Assert.Equal([running], Directory.EnumerateFileSystemEntries(store.TmpDirectory));
        Assert.Equal([store.ReadManifest(live).Packs[0]], store.PackIds());
        Assert.Equal(2, Directory.EnumerateFiles(store.PacksDirectory).Count());
        Assert.Equal([live], store.SnapshotIds());
    }

    [Fact]
    public void DamagedLiveManifestStopsGcBeforeItFreesAnything()
    {
        using var fixture = new StoreFixture(nameof(DamagedLiveManifestStopsGcBeforeItFreesAnything));
        string a = fixture.Commit(null, "a", 1);
        string dead = fixture.Commit(null, "dead", 2);
        PackTests.FlipByte(Path.Combine(fixture.Store.SnapshotDirectory(a), "manifest"), 20);
        Assert.Throws<InvalidDataException>(() => GarbageCollector.Run(fixture.Store, [a], [], dryRun: false));
        Assert.True(fixture.Store.Contains(dead));
    }

    [Fact]
    public void TempFilesOfRecordsAndTagsLiveInTmpWhereGcFindsThem()
    {
        using var fixture = new StoreFixture(nameof(TempFilesOfRecordsAndTagsLiveInTmpWhereGcFindsThem));
        fixture.Store.SetTag("t", fixture.Base.Id);
        Assert.Equal(["t"], Directory.EnumerateFileSystemEntries(fixture.Store.TagsDirectory).Select(Path.GetFileName));
        Assert.Equal([fixture.Base.Id + ".json"], Directory.EnumerateFileSystemEntries(fixture.Store.BasesDirectory).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(fixture.Store.TmpDirectory));
    }

    [Fact]
    public void BaseIdGivenAsSnapshotRootKeepsTheBase()
    {
        using var fixture = new StoreFixture(nameof(BaseIdGivenAsSnapshotRootKeepsTheBase));
        GcReport report = GarbageCollector.Run(fixture.Store, [fixture.Base.Id], [], dryRun: false);
        Assert.Empty(report.BasesForgotten);
        Assert.Empty(report.MissingSnapshots);
        Assert.True(fixture.Store.ContainsBase(fixture.Base.Id));
    }

    [Fact]
    public void MissingRootsAreReported()
    {
        using var fixture = new StoreFixture(nameof(MissingRootsAreReported));
        string ghost = SnapshotId.OfText("ghost");
        GcReport report = GarbageCollector.Run(fixture.Store, [ghost], [], dryRun: true);
        Assert.Equal([ghost], report.MissingSnapshots);
    }

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
