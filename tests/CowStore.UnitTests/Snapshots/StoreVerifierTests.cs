using CowStore.Core.Snapshots;
using CowStore.Fuse;
using Xunit;

namespace CowStore.UnitTests.Snapshots;

public sealed class StoreVerifierTests
{
    [Fact]
    public void HealthyStoreHasNoProblemsAndReportsBytesHashed()
    {
        using var fixture = new StoreFixture(nameof(HealthyStoreHasNoProblemsAndReportsBytesHashed));
        string a = fixture.Commit(null, "a", 1, 2);
        string b = fixture.Commit(a, "b", 3);
        fixture.Store.SetTag("t", b);
        long hashed = 0;
        Assert.Empty(StoreVerifier.Verify(fixture.Store, null, new Progress(x => hashed = x)));
        Assert.Equal(3 * 4096, hashed);
        Assert.Empty(StoreVerifier.Verify(fixture.Store, b));
    }

    [Fact]
    public void FlippedByteInAStoredBlockIsReportedByPathAndReadsAsEio()
    {
        using var fixture = new StoreFixture(nameof(FlippedByteInAStoredBlockIsReportedByPathAndReadsAsEio));
        string a = fixture.Commit(null, "data/file", 1, 2, 3);
        string pack = fixture.Store.ReadManifest(a).Packs[0];
        PackTests.FlipByte(PackIndex.PackPath(fixture.Store.PacksDirectory, pack), 2 * 4096 + 100);

        IReadOnlyList<string> problems = StoreVerifier.Verify(fixture.Store, null);
        string problem = Assert.Single(problems);
        Assert.StartsWith($"packs/{pack}.pack block 2: SHA-256 mismatch", problem, StringComparison.Ordinal);
        Assert.Contains($"snapshot {a} file \"data/file\"", problem, StringComparison.Ordinal);
        Assert.Single(StoreVerifier.Verify(fixture.Store, a));

        using LowerSnapshot snapshot = LowerSnapshot.Open(a, fixture.Store.ReadManifest(a), fixture.Store.PacksDirectory);
        using PackReader reader = PackReader.Open(fixture.Store.PacksDirectory, pack);
        Assert.Equal(-Errno.EIO, reader.ReadBlock(2, new byte[4096]));
        Assert.Equal(0, reader.ReadBlock(1, new byte[4096]));
    }

    [Fact]
    public void ReportsDamagedAndMissingObjects()
    {
        using var fixture = new StoreFixture(nameof(ReportsDamagedAndMissingObjects));
        SnapshotStore store = fixture.Store;
        string a = fixture.Commit(null, "a", 1);
        string b = fixture.Commit(a, "b", 2);
        string c = fixture.Commit(null, "c", 3);
        string packB = store.ReadManifest(b).Packs[^1];
        string packC = store.ReadManifest(c).Packs[^1];

        PackTests.FlipByte(Path.Combine(store.SnapshotDirectory(a), "manifest"), 30); // damaged manifest
        File.Delete(PackIndex.IndexPath(store.PacksDirectory, packB)); // missing pack index
        PackTests.FlipByte(PackIndex.IndexPath(store.PacksDirectory, packC), 40); // damaged pack index
        File.AppendAllText(Path.Combine(fixture.BaseDirectory, "readme"), "changed"); // base changed
        File.WriteAllText(Path.Combine(store.TagsDirectory, "stale"), SnapshotId.OfText("gone") + "\n");

        IReadOnlyList<string> problems = StoreVerifier.Verify(store, null);
        Assert.Contains(problems, p => p.StartsWith($"snapshots/{a}/manifest: manifest checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"packs/{packB}.idx: missing (needed by snapshot {b})", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"packs/{packC}.idx: index checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith($"bases/{fixture.Base.Id}.json: base directory {fixture.BaseDirectory} changed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tags/stale: points at", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Fact]
    public void AlteredManifestNoLongerHashesToItsId()
    {
        using var fixture = new StoreFixture(nameof(AlteredManifestNoLongerHashesToItsId));
        SnapshotStore store = fixture.Store;
        string a = fixture.Commit(null, "a", 1);
        string b = fixture.Commit(null, "b", 2);
        // A well-formed manifest under the wrong name (e.g. a hand edit that re-signed the trailer).
        File.Delete(Path.Combine(store.SnapshotDirectory(a), "manifest"));
        File.Copy(Path.Combine(store.SnapshotDirectory(b), "manifest"), Path.Combine(store.SnapshotDirectory(a), "manifest"));
        IReadOnlyList<string> problems = StoreVerifier.Verify(store, a);
        Assert.Contains(problems, p => p == $"snapshots/{a}: content hashes to {b} (manifest or pack index altered)");
    }

    [Fact]
    public void StoredRunBeyondThePackIsReported()
    {
        using var fixture = new StoreFixture(nameof(StoredRunBeyondThePackIsReported));
        SnapshotStore store = fixture.Store;
        string a = fixture.Commit(null, "a", 1);
        Manifest manifest = store.ReadManifest(a);
        var broken = new Manifest { BaseId = manifest.BaseId, Packs = manifest.Packs };
        broken.Entries.Add("", ManifestSamples.DirEntry(""));
        broken.Entries.Add("a", ManifestSamples.FileEntry("a", 4096, ContentRun.Stored(0, 5, 1)));
        ManifestCodec.WriteDurably(Path.Combine(store.SnapshotDirectory(a), "manifest"), broken);
        IReadOnlyList<string> problems = StoreVerifier.Verify(store, a);
        Assert.Contains(problems, p => p.Contains("file \"a\" uses blocks 5..5 of pack", StringComparison.Ordinal));
    }

    [Fact]
    public void AWipedPackIsSummarizedAfterTwentyLines()
    {
        using var fixture = new StoreFixture(nameof(AWipedPackIsSummarizedAfterTwentyLines));
        string a = fixture.Commit(null, "a", Enumerable.Range(100, 30).ToArray());
        string pack = fixture.Store.ReadManifest(a).Packs[0];
        File.SetUnixFileMode(PackIndex.PackPath(fixture.Store.PacksDirectory, pack), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(PackIndex.PackPath(fixture.Store.PacksDirectory, pack), new byte[30 * 4096]);
        IReadOnlyList<string> problems = StoreVerifier.Verify(fixture.Store, null);
        Assert.Equal(21, problems.Count);
        Assert.Equal($"packs/{pack}.pack: 10 more damaged blocks (30 of 30 in all)", problems[^1]);
    }

    [Fact]
    public void UnknownSnapshotIsReported()
    {
        using var fixture = new StoreFixture(nameof(UnknownSnapshotIsReported));
        string ghost = SnapshotId.OfText("ghost");
        Assert.Equal([$"snapshots/{ghost}: missing"], StoreVerifier.Verify(fixture.Store, ghost));
    }

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
