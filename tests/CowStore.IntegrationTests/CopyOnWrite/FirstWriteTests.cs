using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>
/// The gap cowstore exists to close: one 8 KiB write + fsync into the middle of a 1 GiB base file
/// copies at most a block or two, where every FUSE overlay copies the whole file. fuse-overlayfs is
/// measured on the same base in the same test for comparison.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class FirstWriteTests(LargeBaseCowBackend cow, ITestOutputHelper output) : IClassFixture<LargeBaseCowBackend>
{
    private const long MaxDeltaGrowth = 64 * 1024;
    private static readonly TimeSpan s_maxWriteTime = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void An8KiBWriteIntoA1GiBBaseFileCopiesBlocksNotTheFile()
    {
        string state = Path.Combine(cow.WorkDirectory, "state");
        long before = LargeFile.AllocatedBytes(state);
        TimeSpan elapsed = WriteAndFsync(Path.Combine(cow.Root, LargeBaseCowBackend.FileName));
        long growth = LargeFile.AllocatedBytes(state) - before;

        (TimeSpan overlayElapsed, long overlayGrowth) = MeasureFuseOverlayfs(Path.Combine(cow.WorkDirectory, "source"));
        output.WriteLine($"cowstore:       {elapsed.TotalMilliseconds,8:F1} ms, delta +{growth} bytes");
        output.WriteLine($"fuse-overlayfs: {overlayElapsed.TotalMilliseconds,8:F1} ms, upper +{overlayGrowth} bytes");

        Assert.True(growth <= MaxDeltaGrowth, $"delta grew by {growth} bytes, more than {MaxDeltaGrowth}");
        Assert.True(elapsed < s_maxWriteTime, $"the write + fsync took {elapsed.TotalMilliseconds:F1} ms");
        cow.CheckHealth();
    }

    /// <summary>pwrite of 8 KiB at the middle of the file, then fsync; the time of those two calls.</summary>
    private static TimeSpan WriteAndFsync(string path)
    {
        byte[] page = new byte[8192];
        Array.Fill(page, (byte)0x5A);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0);
        var clock = Stopwatch.StartNew();
        RandomAccess.Write(stream.SafeFileHandle, page, LargeBaseCowBackend.FileSize / 2 + 4096);
        RandomAccess.FlushToDisk(stream.SafeFileHandle);
        clock.Stop();

        byte[] back = new byte[page.Length];
        RandomAccess.Read(stream.SafeFileHandle, back, LargeBaseCowBackend.FileSize / 2 + 4096);
        Assert.Equal(page, back);
        return clock.Elapsed;
    }

    private static (TimeSpan Elapsed, long UpperGrowth) MeasureFuseOverlayfs(string lower)
    {
        string work = TestDirectory.Create("fuse-overlayfs-first-write");
        string upper = Path.Combine(work, "upper"), scratch = Path.Combine(work, "work"), mnt = Path.Combine(work, "mnt");
        foreach (string dir in new[] { upper, scratch, mnt })
        {
            Directory.CreateDirectory(dir);
        }
        // Unprivileged, the 0444 base file could not be opened for writing through fuse-overlayfs
        // (cowstore shows it writable to its owner, as a copy would be), so lend it the write bit.
        string file = Path.Combine(lower, LargeBaseCowBackend.FileName);
        UnixFileMode mode = File.GetUnixFileMode(file);
        if (!Sys.IsRoot)
        {
            File.SetUnixFileMode(file, mode | UnixFileMode.UserWrite);
        }
        ProcessResult mount = ProcessRunner.Run("fuse-overlayfs", ["-o", $"lowerdir={lower},upperdir={upper},workdir={scratch}", mnt]);
        Assert.True(mount.ExitCode == 0, mount.ToString());
        try
        {
            TimeSpan elapsed = WriteAndFsync(Path.Combine(mnt, LargeBaseCowBackend.FileName));
            return (elapsed, LargeFile.AllocatedBytes(upper));
        }
        finally
        {
            ProcessRunner.Run("fusermount3", ["-u", "-z", mnt]);
            File.SetUnixFileMode(file, mode);
            TestDirectory.DeleteQuietly(work);
        }
    }
}
