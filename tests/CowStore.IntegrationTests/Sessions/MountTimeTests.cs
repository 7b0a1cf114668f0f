using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>
/// Mounting is O(1) in the size of the base. Timed, so it runs alone (see <see cref="ExclusiveCollection"/>):
/// on a 2-core machine the parallel suites would otherwise be measured along with it.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class MountTimeTests
{
    [Fact]
    public void MountOfALargeBase_ReturnsWithinOneSecond()
    {
        using var sandbox = new SessionSandbox();
        using (var sparse = new FileStream(Path.Combine(sandbox.Base, "big.db"), FileMode.Create, FileAccess.Write))
        {
            sparse.SetLength(1L << 30);
        }
        for (int d = 0; d < 100; d++)
        {
            string directory = Path.Combine(sandbox.Base, $"dir{d:D3}");
            Directory.CreateDirectory(directory);
            for (int f = 0; f < 100; f++)
            {
                File.WriteAllText(Path.Combine(directory, $"f{f:D3}"), "small");
            }
        }
        sandbox.SealBase();
        string mnt = sandbox.NewMountpoint();
        // Warm the runtime and page cache once so the measurement is the mount, not the first JIT.
        sandbox.CowstoreOk("status");

        var clock = Stopwatch.StartNew();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"mount took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(1L << 30, new FileInfo(Path.Combine(mnt, "big.db")).Length);
        Assert.Equal("small", File.ReadAllText(Path.Combine(mnt, "dir099", "f099")));
        sandbox.CowstoreOk("umount", session);
    }
}
