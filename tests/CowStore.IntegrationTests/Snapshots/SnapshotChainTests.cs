using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure.Interop;
using CowStore.IntegrationTests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>
/// A lineage of 50 commits: the 50th mounts with exactly the expected content, and reading a 64 MiB file whose
/// blocks come from the packs of 45 layers and the base costs no more than 1.5× reading the same content committed
/// as a single layer (one session making all the changes directly on the base).
/// </summary>
[Collection(Infrastructure.ExclusiveCollection.Name)]
public sealed class SnapshotChainTests(ITestOutputHelper log)
{
    private const int Depth = 50;
    private const int BigSize = 64 << 20;

    [Fact]
    public void FiftyDeepSnapshot_ShowsTheExpectedContent_AndReadsWithinOneAndAHalfTimesOfOneLayer()
    {
        using var sandbox = new SessionSandbox();
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sandbox.Base, "big.bin"), BigSize, 1);
        File.WriteAllText(Path.Combine(sandbox.Base, "counter.txt"), "0");
        sandbox.SealBase();
        string reference = Path.Combine(sandbox.Root, "reference");
        SnapshotVerbSandbox.CopyTree(sandbox.Base, reference);
        SessionSandbox.Shell("chmod", "-R", "u+w", reference);

        (string mnt, string session) = sandbox.Mount(sandbox.Base, "mnt");
        var random = new Random(2);
        byte[] change = new byte[4096];
        var ids = new List<string>();
        var changes = new List<(long Offset, byte[] Bytes)>();
        for (int i = 1; i <= Depth; i++)
        {
            // Each commit changes one file: one 4 KiB block of big.bin at a spread-out offset, every tenth the counter.
            if (i % 10 == 0)
            {
                File.WriteAllText(Path.Combine(mnt, "counter.txt"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                File.WriteAllText(Path.Combine(reference, "counter.txt"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                random.NextBytes(change);
                long offset = (long)i * (BigSize / (Depth + 1)) / 4096 * 4096;
                SnapshotSandbox.WriteAt(Path.Combine(mnt, "big.bin"), offset, change);
                SnapshotSandbox.WriteAt(Path.Combine(reference, "big.bin"), offset, change);
                changes.Add((offset, change.ToArray()));
            }
            ids.Add(sandbox.Commit(session, "-m", $"change {i}"));
        }
        Assert.Equal(Depth, ids.Distinct().Count());
        string logOutput = sandbox.CowstoreOk("log", ids[^1]).Output;
        Assert.Equal(Depth, logOutput.Split('\n').Count(l => l.StartsWith("snapshot ", StringComparison.Ordinal)));
        sandbox.CowstoreOk("umount", session);

        (string deep, _) = sandbox.Mount(ids[^1], "deep");
        SnapshotTrees.AssertSameContent(reference, deep, compareModes: false);

        // The same content as one layer: a session replays every change directly on the base and commits once.
        (string directSource, string directSession) = sandbox.Mount(sandbox.Base, "direct-source");
        foreach ((long offset, byte[] bytes) in changes)
        {
            SnapshotSandbox.WriteAt(Path.Combine(directSource, "big.bin"), offset, bytes);
        }
        File.WriteAllText(Path.Combine(directSource, "counter.txt"), Depth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string shallowId = sandbox.Commit(directSession, "--umount");
        Assert.Null(sandbox.ParentOf(shallowId));
        Assert.Equal(sandbox.CowstoreOk("squash", ids[^1]).LastLine, shallowId);
        (string shallow, _) = sandbox.Mount(shallowId, "shallow");
        SnapshotTrees.AssertSameContent(deep, shallow);

        // Cold reads through the daemon: the pages are dropped (posix_fadvise DONTNEED) before each read, alternating
        // between the two mounts; the best of several runs each, so other load on the machine does not decide.
        string deepFile = Path.Combine(deep, "big.bin");
        string shallowFile = Path.Combine(shallow, "big.bin");
        ReadCold(deepFile);
        ReadCold(shallowFile);
        var deepTimes = new List<double>();
        var shallowTimes = new List<double>();
        for (int run = 0; run < 7; run++)
        {
            shallowTimes.Add(ReadCold(shallowFile));
            deepTimes.Add(ReadCold(deepFile));
        }
        double best1 = shallowTimes.Min();
        double best50 = deepTimes.Min();
        log.WriteLine($"64 MiB read: 1 layer best {best1:F1} ms (all: {string.Join(", ", shallowTimes.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}), "
            + $"{Depth} layers best {best50:F1} ms (all: {string.Join(", ", deepTimes.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");
        Assert.True(best50 <= 1.5 * best1, $"reading through {Depth} layers took {best50:F1} ms, more than 1.5 × {best1:F1} ms through one");
    }

    /// <summary>Drops the file's cached pages, reads it whole in 1 MiB requests; milliseconds.</summary>
    private static double ReadCold(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        Assert.Equal(0, Libc.PosixFadvise((int)file.SafeFileHandle.DangerousGetHandle(), 0, 0, Libc.POSIX_FADV_DONTNEED));
        byte[] buffer = new byte[1 << 20];
        var clock = Stopwatch.StartNew();
        long total = 0;
        int n;
        while ((n = file.Read(buffer)) > 0)
        {
            total += n;
        }
        clock.Stop();
        Assert.Equal(BigSize, total);
        return clock.Elapsed.TotalMilliseconds;
    }
}
