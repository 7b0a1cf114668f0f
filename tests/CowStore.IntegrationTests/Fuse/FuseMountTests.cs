using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Fuse;

/// <summary>
/// Real mounts of an in-memory filesystem, driven through System.IO (never mmap: the serving process
/// must not fault on its own mount). Each test runs through mount(2) as root and through fusermount3.
/// </summary>
public sealed class FuseMountTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MountNegotiatesAndIsListedInMountinfo(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(MountNegotiatesAndIsListedInMountinfo), forceFusermount);

        Assert.True(Infrastructure.MountInfo.IsMounted(mount.MountPoint));
        Assert.Equal(1, mount.FileSystem.InitCalls);
        FuseConnection connection = mount.Server.Connection;
        output.WriteLine($"kernel offered: {connection.KernelFlags}");
        output.WriteLine($"negotiated: {connection}");
        Assert.True(connection.NegotiatedFlags.HasFlag(FuseInitFlags.InitExt));
        Assert.False(connection.NegotiatedFlags.HasFlag(FuseInitFlags.PosixLocks));
        Assert.False(connection.NegotiatedFlags.HasFlag(FuseInitFlags.FlockLocks));
        Assert.Equal(connection.NegotiatedFlags & ~FuseInitFlags.InitExt, connection.NegotiatedFlags & connection.KernelFlags & ~FuseInitFlags.InitExt);
        Assert.Equal(1 << 20, connection.MaxWrite);
        string line = File.ReadLines("/proc/self/mountinfo").Single(l => l.Split(' ')[4] == mount.MountPoint);
        Assert.Contains("fuse.memtest", line, StringComparison.Ordinal);
        Assert.Contains("cowstore-test", line, StringComparison.Ordinal);
        Assert.Contains("nosuid", line, StringComparison.Ordinal);
        Assert.Contains("nodev", line, StringComparison.Ordinal);
        // No warnings: in particular every reader got its own cloned /dev/fuse fd.
        Assert.Equal("", mount.Log.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CreateWriteReadStatRenameUnlink(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(CreateWriteReadStatRenameUnlink), forceFusermount);
        string file = mount.PathOf("hello.txt");
        byte[] content = Encoding.UTF8.GetBytes("hello, fuse\n");

        File.WriteAllBytes(file, content);
        Assert.Equal(content, File.ReadAllBytes(file));
        Assert.Equal(content.Length, new FileInfo(file).Length);

        Directory.CreateDirectory(mount.PathOf("dir"));
        string moved = Path.Combine(mount.PathOf("dir"), "moved.txt");
        File.Move(file, moved);
        Assert.False(File.Exists(file));
        Assert.Equal(content, File.ReadAllBytes(moved));

        string[] entries = Directory.GetFileSystemEntries(mount.MountPoint).Select(Path.GetFileName).OfType<string>().ToArray();
        Assert.Equal(["dir"], entries);
        Assert.Equal(["moved.txt"], Directory.GetFiles(mount.PathOf("dir")).Select(Path.GetFileName));

        File.Delete(moved);
        Assert.False(File.Exists(moved));
        Directory.Delete(mount.PathOf("dir"));
        Assert.Empty(Directory.GetFileSystemEntries(mount.MountPoint));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LargeWritesAndReadsAtOffsets(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(LargeWritesAndReadsAtOffsets), forceFusermount);
        string file = mount.PathOf("big.bin");
        byte[] data = new byte[3 << 20];
        new Random(42).NextBytes(data);

        using (var stream = new FileStream(file, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
        {
            stream.Write(data);
            stream.Flush(flushToDisk: true);
            byte[] page = new byte[8192];
            RandomAccess.Read(stream.SafeFileHandle, page, 1_000_000);
            Assert.Equal(data.AsSpan(1_000_000, 8192).ToArray(), page);
            RandomAccess.Write(stream.SafeFileHandle, new byte[8192], 2_000_000);
        }
        data.AsSpan(2_000_000, 8192).Clear();
        Assert.Equal(data, File.ReadAllBytes(file));
        Assert.True(mount.FileSystem.FsyncCalls >= 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FsyncAndDirectoryFsyncReachTheFileSystem(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(FsyncAndDirectoryFsyncReachTheFileSystem), forceFusermount);
        using (var stream = new FileStream(mount.PathOf("f"), FileMode.Create))
        {
            stream.WriteByte(1);
            stream.Flush(flushToDisk: true);
        }
        Assert.Equal(1, mount.FileSystem.FsyncCalls);

        // Directory fsync: open the directory read-only and fsync it (PostgreSQL's durable_rename does this).
        int result = RunProcess("python3", "-c", $"import os; fd = os.open('{mount.MountPoint}', os.O_RDONLY); os.fsync(fd); os.close(fd)");
        Assert.Equal(0, result);
        Assert.Equal(1, mount.FileSystem.FsyncDirCalls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ThrowingHandlerGivesEioAndIsLogged(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(ThrowingHandlerGivesEioAndIsLogged), forceFusermount);

        IOException error = Assert.ThrowsAny<IOException>(() => File.ReadAllBytes(mount.PathOf(MemoryFileSystem.ThrowingName)));
        Assert.Equal(5, error.HResult & 0xFFFF); // EIO
        Assert.Contains("Lookup (1) handler threw", mount.Log.ToString(), StringComparison.Ordinal);
        Assert.Contains("handler failure requested by the test", mount.Log.ToString(), StringComparison.Ordinal);
        // The reader survived: the mount still works.
        File.WriteAllText(mount.PathOf("after"), "ok");
        Assert.Equal("ok", File.ReadAllText(mount.PathOf("after")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SymlinksHardLinksXattrsAndStatfs(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(SymlinksHardLinksXattrsAndStatfs), forceFusermount);
        File.WriteAllText(mount.PathOf("target"), "data");
        File.CreateSymbolicLink(mount.PathOf("link"), "target");
        Assert.Equal("target", new FileInfo(mount.PathOf("link")).LinkTarget);
        Assert.Equal("data", File.ReadAllText(mount.PathOf("link")));

        Assert.Equal(0, RunProcess("ln", mount.PathOf("target"), mount.PathOf("hard")));
        Assert.Equal("data", File.ReadAllText(mount.PathOf("hard")));

        Assert.Equal(0, RunProcess("python3", "-c",
            $"import os; p='{mount.PathOf("target")}'; os.setxattr(p, 'user.k', b'v1'); assert os.getxattr(p, 'user.k') == b'v1'; assert os.listxattr(p) == ['user.k']; os.removexattr(p, 'user.k')"));

        var drive = new DriveInfo(mount.MountPoint);
        Assert.Equal(2048L << 20, drive.AvailableFreeSpace);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NegativeLookupIsCachedNotAnError(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(NegativeLookupIsCachedNotAnError), forceFusermount);
        Assert.False(File.Exists(mount.PathOf(MemoryFileSystem.NegativeName)));
        Assert.False(File.Exists(mount.PathOf("plain-missing")));
        Assert.Equal(0, mount.Server.Connection.NotifyInvalidateEntry(IFuseFileSystem.RootNodeId, Encoding.UTF8.GetBytes(MemoryFileSystem.NegativeName)));
        Assert.Equal(-Errno.ENOENT, mount.Server.Connection.NotifyInvalidateInode(999_999, 0, 0));
    }

    [Fact]
    public void PassthroughIsNegotiatedOnlyWithCapSysAdmin()
    {
        using var mount = new MemoryMount(nameof(PassthroughIsNegotiatedOnlyWithCapSysAdmin), forceFusermount: true);
        // Root holds CAP_SYS_ADMIN (kernel 6.18 offers passthrough); a normal user must get a working mount without it.
        Assert.Equal(Infrastructure.Sys.IsRoot, mount.Server.Connection.PassthroughEnabled);
    }

    [Theory]
    [Trait("Requires", "root")]
    [InlineData(false)]
    [InlineData(true)]
    public void PassthroughReadsComeFromTheBackingFile(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(PassthroughReadsComeFromTheBackingFile), forceFusermount);
        Assert.True(mount.Server.Connection.PassthroughEnabled, "this machine runs the tests as root on kernel 6.18: passthrough must be negotiated");
        string backing = Path.Combine(Path.GetDirectoryName(mount.MountPoint)!, "backing.txt");
        File.WriteAllText(backing, "from the backing file");
        File.WriteAllText(mount.PathOf("file"), new string('m', 21)); // same size, different bytes
        int readsBefore = mount.FileSystem.ReadCalls;

        mount.FileSystem.PassthroughBackingFile = backing;
        string content = File.ReadAllText(mount.PathOf("file"));

        Assert.Equal("from the backing file", content);
        Assert.Equal(readsBefore, mount.FileSystem.ReadCalls);
        // RELEASE is sent asynchronously after close(2); the backing id is closed there.
        Assert.True(SpinWait.SpinUntil(() => mount.FileSystem.BackingIdsOpen == 0, TimeSpan.FromSeconds(5)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void UnmountEndsTheConnection(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(UnmountEndsTheConnection), forceFusermount);
        File.WriteAllText(mount.PathOf("f"), "x");

        mount.Server.Unmount();

        Assert.True(mount.Server.Completion.IsCompleted);
        Assert.False(Infrastructure.MountInfo.IsMounted(mount.MountPoint));
        Assert.Equal(1, mount.FileSystem.DestroyCalls);
    }

    [Fact]
    public async Task DisposeWithAnOpenFileDetachesAndTheConnectionEndsAtClose()
    {
        using var mount = new MemoryMount(nameof(DisposeWithAnOpenFileDetachesAndTheConnectionEndsAtClose), forceFusermount: false);
        File.WriteAllText(mount.PathOf("busy"), "still readable");
        using (var open = new FileStream(mount.PathOf("busy"), FileMode.Open, FileAccess.Read))
        {
            var watch = Stopwatch.StartNew();
            mount.Server.Dispose(); // EBUSY: retried, then detached lazily; must neither throw nor hang

            output.WriteLine($"Dispose with an open file took {watch.Elapsed.TotalSeconds:F1} s; log: {mount.Log}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30));
            Assert.False(Infrastructure.MountInfo.IsMounted(mount.MountPoint));
            Assert.Contains("detaching lazily", mount.Log.ToString(), StringComparison.Ordinal);
            // The detached connection still serves the open file.
            byte[] buffer = new byte[64];
            Assert.Equal("still readable", Encoding.UTF8.GetString(buffer, 0, open.Read(buffer)));
        }
        await mount.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExternalUnmountCompletesTheServer(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(ExternalUnmountCompletesTheServer), forceFusermount);

        Assert.Equal(0, RunProcess("umount", mount.MountPoint));

        await mount.Server.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(Infrastructure.MountInfo.IsMounted(mount.MountPoint));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingMountPointIsAClearError(bool forceFusermount)
    {
        string missing = Path.Combine(Path.GetTempPath(), "cowstore-tests", $"{nameof(MissingMountPointIsAClearError)}-{Guid.NewGuid():N}");
        var exception = Assert.Throws<FuseMountException>(() =>
            FuseServer.Mount(new MemoryFileSystem(), missing, new FuseMountOptions { ForceFusermount = forceFusermount }));
        Assert.Equal($"mountpoint {missing} does not exist", exception.Message);
    }

    [Fact]
    public void FileAsMountPointIsAClearError()
    {
        string file = Path.Combine(Path.GetTempPath(), $"{nameof(FileAsMountPointIsAClearError)}-{Guid.NewGuid():N}");
        File.WriteAllText(file, "");
        try
        {
            var exception = Assert.Throws<FuseMountException>(() => FuseServer.Mount(new MemoryFileSystem(), file, new FuseMountOptions()));
            Assert.Contains("is not a directory", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void OccupiedMountPointIsAClearError()
    {
        using var mount = new MemoryMount(nameof(OccupiedMountPointIsAClearError), forceFusermount: false);
        var exception = Assert.Throws<FuseMountException>(() => FuseServer.Mount(new MemoryFileSystem(), mount.MountPoint, new FuseMountOptions()));
        Assert.Contains("already a mount point", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommaInFsNameIsRejectedBeforeFusermountRuns()
    {
        string root = Path.Combine(Path.GetTempPath(), "cowstore-tests", $"{nameof(CommaInFsNameIsRejectedBeforeFusermountRuns)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var exception = Assert.Throws<FuseMountException>(() => FuseServer.Mount(new MemoryFileSystem(), root,
                new FuseMountOptions { ForceFusermount = true, FsName = "a,allow_other" }));
            Assert.Contains("invalid mount name 'a,allow_other'", exception.Message, StringComparison.Ordinal);
            Assert.False(Infrastructure.MountInfo.IsMounted(root));
        }
        finally
        {
            Directory.Delete(root);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SequentialThroughput(bool forceFusermount)
    {
        using var mount = new MemoryMount(nameof(SequentialThroughput), forceFusermount);
        string file = mount.PathOf("seq.bin");
        byte[] block = new byte[1 << 20];
        const int Blocks = 256;

        var watch = Stopwatch.StartNew();
        using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (int i = 0; i < Blocks; i++)
            {
                stream.Write(block);
            }
        }
        double writeSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        long total = 0;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            int read;
            while ((read = stream.Read(block)) > 0)
            {
                total += read;
            }
        }
        double readSeconds = watch.Elapsed.TotalSeconds;
        Assert.Equal((long)Blocks << 20, total);
        output.WriteLine($"{(forceFusermount ? "fusermount3" : "mount(2)")}: write {Blocks / writeSeconds:F0} MiB/s, read {Blocks / readSeconds:F0} MiB/s (1 MiB requests, in-memory fs)");

        watch.Restart();
        const int Stats = 20_000;
        for (int i = 0; i < Stats; i++)
        {
            _ = File.Exists(file);
        }
        output.WriteLine($"stat: {watch.Elapsed.TotalMicroseconds / Stats:F1} us per File.Exists (attr/entry timeout 1 s)");
    }

    private static int RunProcess(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {error}");
        }
        return process.ExitCode;
    }
}
