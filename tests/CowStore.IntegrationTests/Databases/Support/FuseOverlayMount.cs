using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// fuse-overlayfs over a base, as the yardstick for cowstore's delta: it copies a whole file up on
/// the first write to it. Mounted like cowstore, by the test process (through fusermount3 when
/// unprivileged), with allow_other when the engine runs as another user.
/// </summary>
internal sealed class FuseOverlayMount : IDisposable
{
    public FuseOverlayMount(string lowerDirectory, string workspace, bool allowOther)
    {
        UpperDirectory = Path.Combine(workspace, "overlay-upper");
        WorkDirectory = Path.Combine(workspace, "overlay-work");
        MountPoint = Path.Combine(workspace, "overlay-mnt");
        foreach (string dir in new[] { UpperDirectory, WorkDirectory, MountPoint })
        {
            Directory.CreateDirectory(dir);
        }
        // The upper directory's own owner and mode are what the merged root shows.
        Shell.Checked("chown", [$"--reference={lowerDirectory}", UpperDirectory]);
        Shell.Checked("chmod", [$"--reference={lowerDirectory}", UpperDirectory]);
        string options = $"lowerdir={lowerDirectory},upperdir={UpperDirectory},workdir={WorkDirectory}" + (allowOther ? ",allow_other" : "");
        Shell.Checked("fuse-overlayfs", ["-o", options, MountPoint]);
        if (!MountInfo.IsMounted(MountPoint))
        {
            throw new Xunit.Sdk.XunitException($"fuse-overlayfs returned but {MountPoint} is not mounted");
        }
    }

    public string UpperDirectory { get; }

    public string WorkDirectory { get; }

    public string MountPoint { get; }

    /// <summary>Bytes in the upper layer as <c>du -sb</c> counts them (apparent sizes, directories included).</summary>
    public long UpperBytes() => long.Parse(Shell.Checked("du", ["-sb", UpperDirectory]).Stdout.Split('\t')[0]);

    /// <summary>The files in the upper layer with their sizes, largest first.</summary>
    public IEnumerable<string> CopiedUpFiles() =>
        Shell.Checked("find", [UpperDirectory, "-type", "f", "-printf", "%s %P\n"]).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .OrderByDescending(l => long.Parse(l.Split(' ')[0]));

    public void Unmount()
    {
        if (MountInfo.IsMounted(MountPoint))
        {
            Shell.Checked("fusermount3", ["-u", MountPoint]);
        }
    }

    public void Dispose()
    {
        if (MountInfo.IsMounted(MountPoint))
        {
            ProcessRunner.Run("fusermount3", ["-u", "-z", MountPoint]);
        }
        if (MountInfo.IsMounted(MountPoint))
        {
            ProcessRunner.Run("umount", ["-l", MountPoint]);
        }
    }
}
