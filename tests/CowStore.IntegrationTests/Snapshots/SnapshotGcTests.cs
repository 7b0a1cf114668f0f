using System.Text.RegularExpressions;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore gc</c>: roots are tags, sessions (mounted or detached) and their lineage; the rest is freed.</summary>
public sealed partial class SnapshotGcTests
{
    [Fact]
    public void Gc_KeepsTagsAncestorsAndSessions_FreesADeadBranch_AndDryRunDeletesNothing()
    {
        using var sandbox = new SessionSandbox();
        byte[] data = SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sandbox.Base, "data.bin"), 1 << 20, 1);
        sandbox.SealBase();

        // A tagged snapshot and its parent, made by an ephemeral session that is gone afterwards.
        (string taggedMnt, string _) = sandbox.Mount(sandbox.Base, "tagged", "--ephemeral");
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(taggedMnt, "t1.bin"), 40_000, 2);
        string ancestor = sandbox.Commit(taggedMnt, "-m", "ancestor");
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(taggedMnt, "t2.bin"), 40_000, 3);
        string tagged = sandbox.Commit(taggedMnt, "-m", "tagged");
        sandbox.CowstoreOk("tag", tagged, "keep");
        sandbox.CowstoreOk("umount", taggedMnt);

        // A snapshot only a detached session lies on.
        (string sourceMnt, _) = sandbox.Mount(sandbox.Base, "source", "--ephemeral");
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sourceMnt, "s.bin"), 40_000, 4);
        string underSession = sandbox.Commit(sourceMnt, "-m", "under a detached session");
        sandbox.CowstoreOk("umount", sourceMnt);
        (string detachedMnt, string detached) = sandbox.Mount(underSession, "detached");
        File.WriteAllText(Path.Combine(detachedMnt, "uncommitted.txt"), "still here");
        sandbox.CowstoreOk("umount", detached);

        // A dead branch: an ephemeral session committed twice and unmounted.
        (string deadMnt, _) = sandbox.Mount(sandbox.Base, "dead", "--ephemeral");
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(deadMnt, "d.bin"), 300_000, 5);
        string dead1 = sandbox.Commit(deadMnt);
        SnapshotSandbox.WriteAt(Path.Combine(deadMnt, "data.bin"), 0, new byte[200_000].Select(_ => (byte)1).ToArray());
        string dead2 = sandbox.Commit(deadMnt);
        sandbox.CowstoreOk("umount", deadMnt);

        List<string> snapshotsBefore = sandbox.SnapshotIds();
        List<string> packsBefore = sandbox.PackFiles();
        Assert.Equal(5, snapshotsBefore.Count);

        CommandResult dry = sandbox.CowstoreOk("gc", "--dry-run", "-v");
        Assert.Contains($"would free snapshot {dead1}", dry.Output, StringComparison.Ordinal);
        Assert.Contains($"would free snapshot {dead2}", dry.Output, StringComparison.Ordinal);
        Assert.Contains("would free 2 snapshots, 2 packs", dry.Output, StringComparison.Ordinal);
        Assert.Equal(snapshotsBefore, sandbox.SnapshotIds());
        Assert.Equal(packsBefore, sandbox.PackFiles());

        CommandResult gc = sandbox.CowstoreOk("gc");
        Assert.Contains("freed 2 snapshots, 2 packs", gc.Output, StringComparison.Ordinal);
        long freed = long.Parse(FreedBytes().Match(gc.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(freed >= 300_000 + 4096, $"freed {freed} bytes: less than the dead branch's blocks\n{gc.Output}");
        Assert.Equal(new[] { ancestor, tagged, underSession }.Order(StringComparer.Ordinal).ToList(), sandbox.SnapshotIds());
        Assert.Equal(3, sandbox.SnapshotIds().Count);
        Assert.Equal(packsBefore.Count - 4, sandbox.PackFiles().Count); // two dead packs, .pack and .idx each
        sandbox.CowstoreOk("verify");
        Assert.Contains("freed 0 snapshots, 0 packs", sandbox.CowstoreOk("gc").Output, StringComparison.Ordinal);

        // What survived still reads back whole.
        (string check, _) = sandbox.Mount("keep", "check");
        Assert.Equal(40_000, new FileInfo(Path.Combine(check, "t1.bin")).Length);
        Assert.Equal(40_000, new FileInfo(Path.Combine(check, "t2.bin")).Length);
        Assert.Equal(data, File.ReadAllBytes(Path.Combine(check, "data.bin")));
        (string resumed, _) = sandbox.Mount(underSession, "resumed", "--session", detached);
        Assert.Equal("still here", File.ReadAllText(Path.Combine(resumed, "uncommitted.txt")));
        Assert.Equal(40_000, File.ReadAllBytes(Path.Combine(resumed, "s.bin")).Length);
        Assert.True(Directory.Exists(sandbox.Base));
    }

    [GeneratedRegex(@"\((\d+) bytes\)")]
    private static partial Regex FreedBytes();
}
