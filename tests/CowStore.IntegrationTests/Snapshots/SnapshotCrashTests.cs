using System.Diagnostics;
using CowStore.IntegrationTests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>
/// kill -9 of <c>cowstore squash</c> and <c>cowstore gc</c> at points spread over the whole operation (measured on a
/// twin store): afterwards verify finds the store consistent, and running the command again finishes the job.
/// </summary>
[Collection(Infrastructure.ExclusiveCollection.Name)]
public sealed class SnapshotCrashTests(ITestOutputHelper log)
{
    [Fact]
    public void KillDuringSquash_LeavesTheStoreConsistent_AndRerunFinishes()
    {
        using var sandbox = new SessionSandbox();
        string head = BuildChain(sandbox, commits: 12, ephemeral: false);
        (CommandResult reference, TimeSpan duration, _) = RunOnTwins(sandbox, ["squash", head]);
        string expected = reference.LastLine;

        int kills = KillAtSpreadPoints(sandbox, duration, ["squash", head], () => sandbox.SnapshotIds().Contains(expected));
        log.WriteLine($"uninterrupted squash {duration.TotalMilliseconds:F0} ms; {kills} killed");
        Assert.True(kills > 0, "no squash was interrupted");
        Assert.Equal(expected, sandbox.CowstoreOk("squash", head).LastLine);
        sandbox.CowstoreOk("verify");
        (string a, _) = sandbox.Mount(expected, "squashed");
        (string b, _) = sandbox.Mount(head, "head");
        SnapshotTrees.AssertSameContent(b, a);
    }

    [Fact]
    public void KillDuringGc_LeavesTheStoreConsistent_AndRerunFinishes()
    {
        using var sandbox = new SessionSandbox();
        string kept = BuildChain(sandbox, commits: 3, ephemeral: false);
        sandbox.CowstoreOk("tag", kept, "kept");
        BuildChain(sandbox, commits: 25, ephemeral: true); // a dead branch of 25 snapshots and packs
        List<string> live = SnapshotVerbSandbox.SnapshotIds(sandbox).Where(id => id == kept || IsAncestor(sandbox, id, kept)).ToList();
        (CommandResult reference, TimeSpan duration, string twinHome) = RunOnTwins(sandbox, ["gc"]);
        Assert.Contains("freed 25 snapshots", reference.Output, StringComparison.Ordinal);

        int kills = KillAtSpreadPoints(sandbox, duration, ["gc"], () => sandbox.SnapshotIds().Count == live.Count);
        log.WriteLine($"uninterrupted gc {duration.TotalMilliseconds:F0} ms; {kills} killed");
        Assert.True(kills > 0, "no gc was interrupted");
        sandbox.CowstoreOk("gc");
        Assert.Equal(live.Order(StringComparer.Ordinal).ToList(), sandbox.SnapshotIds());
        Assert.Equal(
            Directory.EnumerateFiles(Path.Combine(twinHome, "store", "packs")).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList(),
            sandbox.PackFiles());
        sandbox.CowstoreOk("verify");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(sandbox.StoreDirectory(), "tmp")));
        (string check, _) = sandbox.Mount("kept", "check");
        Assert.Equal(3, Directory.EnumerateFiles(check, "f*.bin").Count());
    }

    /// <summary>
    /// Runs the command uninterrupted on two copies of the state and returns the last result, the shorter
    /// duration and the last copy's home. One run alone can be slowed by a cold start, and kill points spread
    /// over an inflated duration would all land after the command finished.
    /// </summary>
    private static (CommandResult Result, TimeSpan Duration, string TwinHome) RunOnTwins(SessionSandbox sandbox, string[] command)
    {
        TimeSpan shortest = TimeSpan.MaxValue;
        CommandResult? result = null;
        string twinHome = "";
        for (int twin = 0; twin < 2; twin++)
        {
            twinHome = Path.Combine(sandbox.Root, $"twin-home-{twin}");
            SnapshotVerbSandbox.CopyTree(sandbox.Home, twinHome);
            var clock = Stopwatch.StartNew();
            result = CowstoreCommand.Run(twinHome, command);
            clock.Stop();
            Assert.True(result.ExitCode == 0, result.ToString());
            shortest = clock.Elapsed < shortest ? clock.Elapsed : shortest;
        }
        return (result!, shortest, twinHome);
    }

    /// <summary>Starts the command repeatedly and kills it after growing fractions of <paramref name="duration"/>; after each kill verify must pass.</summary>
    private static int KillAtSpreadPoints(SessionSandbox sandbox, TimeSpan duration, string[] command, Func<bool> finished)
    {
        int kills = 0;
        for (int step = 0; step < 12 && !finished(); step++)
        {
            TimeSpan delay = duration * (step + 1) / 12;
            using Process process = CowstoreCommand.Start(sandbox.Home, command);
            Thread.Sleep(delay);
            if (!process.HasExited)
            {
                process.Kill();
                kills++;
            }
            process.WaitForExit();
            CommandResult verify = sandbox.Cowstore("verify");
            Assert.True(verify.ExitCode == 0, $"after killing {string.Join(' ', command)} at {delay.TotalMilliseconds:F0} ms: {verify}");
        }
        return kills;
    }

    /// <summary>A session that commits <paramref name="commits"/> times (a new 64 KiB file each); returns the last id.</summary>
    private static string BuildChain(SessionSandbox sandbox, int commits, bool ephemeral)
    {
        if (!File.Exists(Path.Combine(sandbox.Base, "seed.txt")))
        {
            File.WriteAllText(Path.Combine(sandbox.Base, "seed.txt"), "seed");
            sandbox.SealBase();
        }
        (string mnt, string session) = ephemeral
            ? sandbox.Mount(sandbox.Base, $"chain-{Guid.NewGuid():N}", "--ephemeral")
            : sandbox.Mount(sandbox.Base, $"chain-{Guid.NewGuid():N}");
        string id = "";
        for (int i = 0; i < commits; i++)
        {
            SnapshotVerbSandbox.WriteRandomFile(Path.Combine(mnt, $"f{i}.bin"), 64 * 1024, (ephemeral ? 1000 : 0) + i);
            id = sandbox.Commit(session);
        }
        sandbox.CowstoreOk("umount", session);
        return id;
    }

    private static bool IsAncestor(SessionSandbox sandbox, string candidate, string of)
    {
        for (string? id = sandbox.ParentOf(of); id is not null; id = sandbox.ParentOf(id))
        {
            if (id == candidate)
            {
                return true;
            }
        }
        return false;
    }
}
