using System.Diagnostics;
using CowStore.Fuse;

namespace CowStore.IntegrationTests.Fuse;

/// <summary>A <see cref="MemoryFileSystem"/> mounted in-process at a per-test directory; always unmounted in Dispose.</summary>
internal sealed class MemoryMount : IDisposable
{
    private readonly string _root;

    public MemoryMount(string testName, bool forceFusermount, Func<FuseMountOptions, FuseMountOptions>? configure = null)
    {
        _root = Path.Combine(Path.GetTempPath(), "cowstore-tests", $"{testName}-{(forceFusermount ? "fusermount" : "direct")}-{Guid.NewGuid():N}");
        MountPoint = Path.Combine(_root, "mnt");
        Directory.CreateDirectory(MountPoint);
        var options = new FuseMountOptions
        {
            FsName = "cowstore-test",
            Subtype = "memtest",
            ForceFusermount = forceFusermount,
            ReaderThreads = 2,
            Log = Log,
        };
        Server = FuseServer.Mount(FileSystem, MountPoint, configure is null ? options : configure(options));
    }

    public MemoryFileSystem FileSystem { get; } = new();

    public StringWriter Log { get; } = new();

    public FuseServer Server { get; }

    public string MountPoint { get; }

    public string PathOf(string name) => Path.Combine(MountPoint, name);

    public void Dispose()
    {
        try
        {
            Server.Dispose();
        }
        finally
        {
            if (Infrastructure.MountInfo.IsMounted(MountPoint))
            {
                // Last resort so no test leaves a mount behind.
                using var process = Process.Start("umount", ["-l", MountPoint]);
                process.WaitForExit();
            }
            Directory.Delete(_root, recursive: true);
        }
    }
}
