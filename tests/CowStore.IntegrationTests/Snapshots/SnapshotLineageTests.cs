using System.Text.Json;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore log</c>, <c>ls</c>, <c>tag</c>, <c>diff</c> and <c>info</c> on a small lineage.</summary>
public sealed class SnapshotLineageTests
{
    [Fact]
    public void LogLsTagDiffInfo_DescribeTheLineage()
    {
        using var sandbox = new SessionSandbox();
        byte[] data = SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sandbox.Base, "data.bin"), 64 * 1024, 1);
        File.WriteAllText(Path.Combine(sandbox.Base, "gone.txt"), "gone");
        sandbox.SealBase();
        (string mnt, string session) = sandbox.Mount(sandbox.Base, "mnt");

        SnapshotSandbox.WriteAt(Path.Combine(mnt, "data.bin"), 8192, new byte[4096].Select(_ => (byte)7).ToArray());
        string first = sandbox.Commit(mnt, "-m", "first change", "--meta", "neo4j.version=5.26.0");
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(mnt, "added.bin"), 10000, 2);
        File.Delete(Path.Combine(mnt, "gone.txt"));
        SnapshotSandbox.WriteAt(Path.Combine(mnt, "data.bin"), 0, new byte[100].Select(_ => (byte)9).ToArray());
        string second = sandbox.Commit(mnt, "-m", "second change");

        // log: newest first, down to the base; a session starts at its last commit.
        string log = sandbox.CowstoreOk("log", session).Output;
        int atSecond = log.IndexOf($"snapshot {second}", StringComparison.Ordinal);
        int atFirst = log.IndexOf($"snapshot {first}", StringComparison.Ordinal);
        Assert.True(atSecond >= 0 && atFirst > atSecond, log);
        Assert.Contains("second change", log, StringComparison.Ordinal);
        Assert.Contains("Meta:   neo4j.version=5.26.0", log, StringComparison.Ordinal);
        Assert.Contains("base ", log, StringComparison.Ordinal);
        Assert.Equal(log, sandbox.CowstoreOk("log", mnt).Output);
        string logOfFirst = sandbox.CowstoreOk("log", first[..8]).Output;
        Assert.DoesNotContain(second, logOfFirst, StringComparison.Ordinal);

        // tag, then resolve by tag; list; delete.
        sandbox.CowstoreOk("tag", first[..6], "v1");
        Assert.Contains($"v1  {first}", sandbox.CowstoreOk("tag").Output, StringComparison.Ordinal);
        Assert.Contains($"snapshot {first}", sandbox.CowstoreOk("log", "v1").Output, StringComparison.Ordinal);
        Assert.Equal(2, sandbox.Cowstore("tag", "v1", "-bad name").ExitCode);
        Assert.Equal(3, sandbox.Cowstore("tag", "zzzzzzzz", "x").ExitCode);

        // ls --json: sizes; the second commit's own blocks are unique to it, the first's changed block is shared.
        List<JsonElement> listing = sandbox.Listing();
        Assert.Equal([first, second], listing.Select(e => e.GetProperty("id").GetString()!).ToList());
        JsonElement one = listing[0];
        JsonElement two = listing[1];
        Assert.Equal(["v1"], one.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList());
        Assert.Equal(first, two.GetProperty("parentId").GetString());
        Assert.Equal(4096, one.GetProperty("newBytes").GetInt64());
        Assert.Equal(0, one.GetProperty("uniqueBytes").GetInt64());       // its one block is data.bin's block 2, still in the second
        Assert.Equal(4096 * 4, two.GetProperty("uniqueBytes").GetInt64()); // data.bin block 0 and three blocks of added.bin
        string table = sandbox.CowstoreOk("ls").Output;
        Assert.Contains("first change", table, StringComparison.Ordinal);

        // diff: against the parent by default, or any snapshot.
        string diff = sandbox.CowstoreOk("diff", second).Output;
        Assert.Contains("A  added.bin", diff, StringComparison.Ordinal);
        Assert.Contains("D  gone.txt", diff, StringComparison.Ordinal);
        Assert.Contains("M  data.bin  4.0 KiB changed", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("M  data.bin  8.0 KiB", diff, StringComparison.Ordinal);
        string firstDiff = sandbox.CowstoreOk("diff", "v1").Output;
        Assert.Contains("M  data.bin  4.0 KiB changed", firstDiff, StringComparison.Ordinal);
        Assert.Contains("0 added, 0 removed, 1 changed", firstDiff, StringComparison.Ordinal);
        string back = sandbox.CowstoreOk("diff", first, second).Output;
        Assert.Contains("D  added.bin", back, StringComparison.Ordinal);
        Assert.Contains("A  gone.txt", back, StringComparison.Ordinal);

        // diff of a mounted session: its changes since the last commit.
        File.WriteAllText(Path.Combine(mnt, "later.txt"), "later");
        string live = sandbox.CowstoreOk("diff", mnt).Output;
        Assert.Contains("A  later.txt", live, StringComparison.Ordinal);
        Assert.Contains("1 added, 0 removed, 0 changed", live, StringComparison.Ordinal);

        // ... and of a detached one, captured without storing anything.
        sandbox.CowstoreOk("umount", session);
        List<string> packs = sandbox.PackFiles();
        string detached = sandbox.CowstoreOk("diff", session).Output;
        Assert.Contains("A  later.txt", detached, StringComparison.Ordinal);
        Assert.Contains("1 added, 0 removed, 0 changed", detached, StringComparison.Ordinal);
        Assert.Equal(packs, sandbox.PackFiles());

        string info = sandbox.CowstoreOk("info", second).Output;
        Assert.Contains($"parent:     {first}", info, StringComparison.Ordinal);
        Assert.Contains("depth:      2 layers", info, StringComparison.Ordinal);
        Assert.Contains("message:    second change", info, StringComparison.Ordinal);
        Assert.Contains(sandbox.Base, info, StringComparison.Ordinal);
        Assert.Contains("neo4j.version=5.26.0", sandbox.CowstoreOk("info", "v1").Output, StringComparison.Ordinal);
        Assert.Equal(3, sandbox.Cowstore("info", "nosuchthing").ExitCode);

        sandbox.CowstoreOk("tag", "-d", "v1");
        Assert.Equal(3, sandbox.Cowstore("tag", "-d", "v1").ExitCode);
        Assert.Equal(data.Length, new FileInfo(Path.Combine(sandbox.Base, "data.bin")).Length);
    }
}
