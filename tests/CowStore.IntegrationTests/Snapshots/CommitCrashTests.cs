using System.Diagnostics;
using CowStore.IntegrationTests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>
/// kill -9 of <c>cowstore commit</c> at points spread over the whole operation (hashing, pack writing, publication):
/// afterwards the store shows the snapshot complete or not at all, and committing again gives the same id.
/// </summary>
[Collection(Infrastructure.ExclusiveCollection.Name)]
public sealed class CommitCrashTests(ITestOutputHelper log)
{
    [Fact]
    public void KillDuringCommit_LeavesNoHalfSnapshot_AndRerunGivesTheSameId()
    {
        using var sandbox = new SessionSandbox();
        byte[] block = new byte[1 << 20];
        new Random(3).NextBytes(block);
        using (var file = File.Create(Path.Combine(sandbox.Base, "data.bin")))
        {
            for (int i = 0; i < 64; i++)
            {
                file.Write(block);
            }
        }
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        var random = new Random(4);
        using (var file = new FileStream(Path.Combine(mnt, "data.bin"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0))
        {
            byte[] page = new byte[8192];
            for (int i = 0; i < 6000; i++)
            {
                random.NextBytes(page);
                file.Position = random.NextInt64(8192) * 8192;
                file.Write(page);
            }
            byte[] tail = new byte[24 << 20];
            random.NextBytes(tail);
            File.WriteAllBytes(Path.Combine(mnt, "new.bin"), tail);
            file.Flush(flushToDisk: true);
        }
        sandbox.CowstoreOk("umount", session);

        // How long an uninterrupted commit takes, measured on a twin store, spreads the kill points over it.
        string twinHome = Path.Combine(sandbox.Root, "twin-home");
        CopyDirectory(sandbox.Home, twinHome);
        var clock = Stopwatch.StartNew();
        CommandResult reference = CowstoreCommand.Run(twinHome, "commit", session);
        clock.Stop();
        Assert.True(reference.ExitCode == 0, reference.ToString());
        string expectedId = reference.LastLine;
        log.WriteLine($"uninterrupted commit: {clock.ElapsedMilliseconds} ms");

        int kills = 0;
        string snapshots = Path.Combine(sandbox.StoreDirectory(), "snapshots");
        for (int step = 0; step < 12; step++)
        {
            TimeSpan delay = clock.Elapsed * (step + 1) / 12;
            using Process commit = CowstoreCommand.Start(sandbox.Home, "commit", session);
            Thread.Sleep(delay);
            if (!commit.HasExited)
            {
                commit.Kill();
                kills++;
            }
            commit.WaitForExit();
            AssertNoHalfSnapshot(snapshots, expectedId);
            if (Directory.Exists(Path.Combine(snapshots, expectedId)))
            {
                break; // published: every later kill would only find the finished snapshot
            }
        }
        log.WriteLine($"{kills} commits killed");
        Assert.True(kills > 0, "no commit was interrupted: the kill points missed the operation");

        Assert.Equal(expectedId, sandbox.Commit(session));
        AssertNoHalfSnapshot(snapshots, expectedId);
        string check = sandbox.NewMountpoint("check");
        sandbox.CowstoreOk("mount", expectedId, check);
        string twinMount = sandbox.NewMountpoint("twin");
        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, twinMount);
        SnapshotTrees.AssertSameContent(twinMount, check);
    }

    /// <summary>Every visible snapshot directory is the expected one and complete.</summary>
    private static void AssertNoHalfSnapshot(string snapshots, string expectedId)
    {
        if (!Directory.Exists(snapshots))
        {
            return;
        }
        foreach (string directory in Directory.EnumerateDirectories(snapshots))
        {
            Assert.Equal(expectedId, Path.GetFileName(directory));
            Assert.True(File.Exists(Path.Combine(directory, "manifest")), $"{directory} has no manifest");
            Assert.True(File.Exists(Path.Combine(directory, "snapshot.json")), $"{directory} has no snapshot.json");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        var copy = Infrastructure.ProcessRunner.Run("cp", ["-a", from, to]);
        Assert.True(copy.ExitCode == 0, copy.ToString());
    }
}
