using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>fsync, fdatasync and directory fsync succeed (never ENOSYS: the kernel would stop sending them).</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void FsyncFdatasyncAndDirectoryFsyncSucceedAfterWrites()
    {
        string path = SeedFile();
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            for (int i = 0; i < 3; i++)
            {
                fd.PWrite(i * 5000, Pattern(100, i));
                Assert.Equal(Errno.OK, fd.TryFSync());
                fd.PWrite(i * 7000 + 1, Pattern(100, i + 10));
                Assert.Equal(Errno.OK, fd.TryFDataSync());
            }
            Assert.Equal(Errno.OK, fd.CloseChecked());
        }
        using (FileDescriptor dir = FileDescriptor.Open(Dir(), O_RDONLY | O_DIRECTORY))
        {
            File.WriteAllBytes(Path.Combine(Dir(), "new"), [1, 2, 3]);
            Assert.Equal(Errno.OK, dir.TryFSync());
            Assert.Equal(Errno.OK, dir.TryFDataSync());
        }
        Probe.Run("fsync", path).ShouldSucceed();
        Probe.Run("fdatasync", path).ShouldSucceed();
        Probe.Run("fsyncdir", Dir()).ShouldSucceed();
        Probe.Run("fsyncdir", SeedDirectory()).ShouldSucceed();
    }
}
