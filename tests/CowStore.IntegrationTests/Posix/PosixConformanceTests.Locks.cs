using CowStore.IntegrationTests.Infrastructure;
using Xunit;

namespace CowStore.IntegrationTests.Posix;

/// <summary>fcntl, OFD and flock locks between two processes (the kernel handles them locally).</summary>
public abstract partial class PosixConformanceTests
{
    [Theory]
    [InlineData("fcntl")]
    [InlineData("ofd")]
    [InlineData("flock")]
    public void LocksExcludeAnotherProcessUntilReleased(string kind)
    {
        string path = SeedFile();
        using (LockHolder holder = Probe.HoldLock(kind, path))
        {
            Probe.Run($"try-lock-{kind}", path).ShouldFailWith("EAGAIN"); // EWOULDBLOCK is EAGAIN on Linux
            holder.Release();
        }
        Probe.Run($"try-lock-{kind}", path).ShouldSucceed();
    }
}
