using System.Security.Cryptography;
using CowStore.Fuse;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using Errno = CowStore.IntegrationTests.Infrastructure.Errno;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Fuse;

/// <summary>
/// The two ways requests reach the filesystem: FUSE over io_uring (a queue per CPU, each answered by
/// threads pinned to that CPU) when the kernel offers it, and /dev/fuse reads and writes otherwise. The
/// same work runs from a thread pinned to each CPU in turn, so every io_uring queue has to carry it:
/// payloads in both directions (a write and read of more than 1 MiB), names (requests whose reply
/// cannot be built in place), directory listings, xattrs, symlinks.
/// </summary>
public sealed class FuseTransportTests(ITestOutputHelper output)
{
    private const string EnableUring = "/sys/module/fuse/parameters/enable_uring";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IoUringCarriesTheRequestsOfEveryCpu(bool forceFusermount)
    {
        // make system turns the kernel's switch on (it is off by default); without it this test has nothing to test.
        Assert.True(File.Exists(EnableUring) && File.ReadAllText(EnableUring).Trim() == "Y",
            $"FUSE over io_uring is off: {EnableUring} must read Y (scripts/setup-system.sh sets it; needs Linux 6.14+)");
        var mount = new MemoryMount(nameof(IoUringCarriesTheRequestsOfEveryCpu), forceFusermount);
        try
        {
            Assert.True(mount.Server.Connection.IoUringEnabled);
            List<int> cpus = OnlineCpus();
            foreach (int cpu in cpus)
            {
                OnCpu(cpu, () => Exercise(mount, $"cpu{cpu}"));
            }

            FuseRequestCounts counts = mount.Server.RequestCounts;
            output.WriteLine($"/dev/fuse: {counts.DevFuse}; io_uring by queue: {string.Join(", ", counts.IoUringByQueue)}");
            foreach (int cpu in cpus)
            {
                Assert.True(counts.IoUringByQueue[cpu] > 0, $"queue {cpu} carried nothing although a thread on CPU {cpu} worked");
            }
        }
        finally
        {
            mount.Dispose();
        }
        // Unmounting ends every ring entry (the kernel completes them with ENOTCONN) and nothing was logged.
        Assert.True(mount.Server.Completion.IsCompleted);
        Assert.Equal("", mount.Log.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DevFuseCarriesEverythingWhenIoUringIsOff(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(DevFuseCarriesEverythingWhenIoUringIsOff), forceFusermount, options => options with { IoUring = false });

        Assert.False(mount.Server.Connection.IoUringEnabled);
        foreach (int cpu in OnlineCpus())
        {
            OnCpu(cpu, () => Exercise(mount, $"cpu{cpu}"));
        }
        FuseRequestCounts counts = mount.Server.RequestCounts;
        Assert.Empty(counts.IoUringByQueue);
        Assert.True(counts.DevFuse > 0);
        Assert.Equal("", mount.Log.ToString());
    }

    private static void Exercise(MemoryMount mount, string name)
    {
        string dir = mount.PathOf(name);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "data");
        byte[] content = RandomNumberGenerator.GetBytes((1 << 20) + 4099);
        File.WriteAllBytes(file, content);
        Assert.Equal(content, File.ReadAllBytes(file));
        Assert.Equal(content.Length, Sys.Stat(file).Size);

        Assert.Equal(Errno.OK, Sys.TrySetXattr(file, "user.transport", name));
        Assert.Equal(Errno.OK, Sys.TryGetXattr(file, "user.transport", out string value));
        Assert.Equal(name, value);

        File.CreateSymbolicLink(Path.Combine(dir, "link"), "data");
        Assert.Equal("data", new FileInfo(Path.Combine(dir, "link")).LinkTarget);
        File.Move(file, Path.Combine(dir, "moved"));
        Assert.Equal(["link", "moved"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        File.Delete(Path.Combine(dir, "moved"));
        File.Delete(Path.Combine(dir, "link"));
        Directory.Delete(dir);
    }

    private static List<int> OnlineCpus()
    {
        var cpus = new List<int>();
        foreach (string part in File.ReadAllText("/sys/devices/system/cpu/online").Trim().Split(','))
        {
            string[] range = part.Split('-');
            int first = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            int last = range.Length > 1 ? int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture) : first;
            cpus.AddRange(Enumerable.Range(first, last - first + 1));
        }
        return cpus;
    }

    /// <summary>Runs <paramref name="work"/> on a new thread pinned to <paramref name="cpu"/>.</summary>
    private static unsafe void OnCpu(int cpu, Action work)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                int words = cpu / 64 + 1;
                ulong* mask = stackalloc ulong[words];
                new Span<ulong>(mask, words).Clear();
                mask[cpu / 64] = 1UL << (cpu % 64);
                Sys.Check(Libc.SchedSetAffinity(0, (nuint)(words * sizeof(ulong)), mask), $"sched_setaffinity to CPU {cpu}");
                work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"on CPU {cpu}: {failure}");
        }
    }
}
