using CowStore.Store.Sessions;

namespace CowStore.Cli.Run;

/// <summary>
/// Where <c>cowstore run</c> mounts: the directory the user named with <c>--at</c>, or a private one made for
/// this run (<c>$TMPDIR/cowstore-run-XXXXXX/mnt</c>, the parent mode 0700 so no other user can reach the
/// view) that is removed again once nothing is mounted on it.
/// </summary>
internal sealed class RunMountpoint : IDisposable
{
    private readonly string? _privateParent;

    private RunMountpoint(string path, string? privateParent)
    {
        Path = path;
        _privateParent = privateParent;
    }

    public string Path { get; }

    public static RunMountpoint At(string directory) => new(directory, privateParent: null);

    public static RunMountpoint CreatePrivate()
    {
        // CreateTempSubdirectory makes the directory with mode 0700.
        DirectoryInfo parent = Directory.CreateTempSubdirectory("cowstore-run-");
        string mountPoint = System.IO.Path.Combine(parent.FullName, "mnt");
        Directory.CreateDirectory(mountPoint);
        return new RunMountpoint(mountPoint, parent.FullName);
    }

    public void Dispose()
    {
        // Never delete through a mount that is still there (a lazy detach may be pending): leave it.
        if (_privateParent is null || MountTable.Read().FindAt(Path) is not null)
        {
            return;
        }
        try
        {
            Directory.Delete(Path);
            Directory.Delete(_privateParent);
        }
        catch (IOException)
        {
            // Not empty after all (something wrote into the bare directory); leave it for the user to see.
        }
    }
}
