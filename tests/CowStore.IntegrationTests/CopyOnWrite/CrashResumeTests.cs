using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using CowStore.IntegrationTests.Sessions;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>
/// kill -9 of the daemon: everything fsync'd before the kill (data written into base files, new
/// files, renames, new directories) is there after `cowstore mount --session` resumes; what was
/// written after the last fsync may be lost, but every file reads back whole and the base is untouched.
/// Several cycles on one session, so recovery also runs over a delta that was itself recovered.
/// </summary>
public sealed class CrashResumeTests(ITestOutputHelper output)
{
    private const int Cycles = 3;
    private const int BaseFileSize = 4 << 20;

    [Fact]
    public void FsyncedChangesSurviveKillNineOfTheDaemonCycleAfterCycle()
    {
        using var sandbox = new SessionSandbox();
        var random = new Random(20261123);
        byte[] baseData = new byte[BaseFileSize];
        random.NextBytes(baseData);
        File.WriteAllBytes(Path.Combine(sandbox.Base, "table.dat"), baseData);
        Directory.CreateDirectory(Path.Combine(sandbox.Base, "dir"));
        File.WriteAllText(Path.Combine(sandbox.Base, "dir", "old-name"), "renamed base file");
        sandbox.SealBase();
        string digest = TreeDigest.Of(sandbox.Base);
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        byte[] expected = (byte[])baseData.Clone();
        var expectedFiles = new Dictionary<string, string>();
        for (int cycle = 0; cycle < Cycles; cycle++)
        {
            // Durable changes: each is followed by the fsync (of the file or its directory) that promises it.
            using (FileDescriptor table = FileDescriptor.Open(Path.Combine(mnt, "table.dat"), PosixConstants.O_RDWR))
            {
                for (int i = 0; i < 20; i++)
                {
                    byte[] page = new byte[8192];
                    random.NextBytes(page);
                    long offset = random.Next(0, BaseFileSize - page.Length) & ~4095L;
                    table.PWrite(offset, page);
                    page.CopyTo(expected, offset);
                }
                Assert.Equal(Errno.OK, table.TryFSync());
            }
            string created = $"new-{cycle}.txt";
            File.WriteAllText(Path.Combine(mnt, created), $"created in cycle {cycle}");
            FsyncFile(Path.Combine(mnt, created));
            expectedFiles[created] = $"created in cycle {cycle}";

            Sys.Mkdir(Path.Combine(mnt, $"made-{cycle}"));
            string from = cycle == 0 ? Path.Combine(mnt, "dir", "old-name") : Path.Combine(mnt, $"moved-{cycle - 1}");
            Sys.Rename(from, Path.Combine(mnt, $"moved-{cycle}"));
            FsyncDirectory(mnt);
            FsyncDirectory(Path.Combine(mnt, "dir"));

            // Not promised: written after the last fsync, may or may not survive.
            File.WriteAllText(Path.Combine(mnt, $"unsynced-{cycle}.txt"), new string('u', 10_000));

            KillDaemon(sandbox, session);
            sandbox.CowstoreOk("status");
            sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);

            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(mnt, "table.dat")));
            foreach ((string name, string content) in expectedFiles)
            {
                Assert.Equal(content, File.ReadAllText(Path.Combine(mnt, name)));
            }
            Assert.True(Directory.Exists(Path.Combine(mnt, $"made-{cycle}")), $"made-{cycle} is missing after resume");
            Assert.Equal("renamed base file", File.ReadAllText(Path.Combine(mnt, $"moved-{cycle}")));
            Assert.False(File.Exists(Path.Combine(mnt, "dir", "old-name")));
            ReadEverything(mnt);
            output.WriteLine($"cycle {cycle}: resumed with every fsync'd change");
        }
        sandbox.CowstoreOk("umount", mnt);
        Assert.Equal(digest, TreeDigest.Of(sandbox.Base));
    }

    private static void KillDaemon(SessionSandbox sandbox, string session)
    {
        int pid = sandbox.StatusOf(session)!.Value.GetProperty("pid").GetInt32();
        using Process daemon = Process.GetProcessById(pid);
        daemon.Kill();
        Assert.True(daemon.WaitForExit(10_000), "the daemon did not die");
    }

    private static void FsyncFile(string path)
    {
        using FileDescriptor fd = FileDescriptor.Open(path, PosixConstants.O_RDONLY);
        Assert.Equal(Errno.OK, fd.TryFSync());
    }

    private static void FsyncDirectory(string path)
    {
        using FileDescriptor fd = FileDescriptor.Open(path, PosixConstants.O_RDONLY | PosixConstants.O_DIRECTORY);
        Assert.Equal(Errno.OK, fd.TryFSync());
    }

    /// <summary>Nothing is corrupt: every file of the view reads to its end without an error.</summary>
    private static void ReadEverything(string root)
    {
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(new FileInfo(file).Length, File.ReadAllBytes(file).LongLength);
        }
    }
}
