namespace CowStore.Fuse;

/// <summary>
/// Mounts an <see cref="IFuseFileSystem"/> and serves it on dedicated reader threads until unmounted.
/// </summary>
public sealed class FuseServer : IDisposable
{
    // PLACEHOLDER SURFACE: implemented by the transport work.
    private FuseServer() => throw new NotImplementedException();

    /// <summary>
    /// Mounts at <paramref name="mountPoint"/> (root: mount(2); otherwise fusermount3) and returns once
    /// INIT has been answered and the mount is live.
    /// </summary>
    public static FuseServer Mount(IFuseFileSystem fileSystem, string mountPoint, FuseMountOptions options) => throw new NotImplementedException();

    public FuseConnection Connection => throw new NotImplementedException();

    /// <summary>Completes when the kernel ends the connection (unmount, abort).</summary>
    public Task Completion => throw new NotImplementedException();

    /// <summary>Unmounts (umount2 or fusermount3 -u) and waits for the readers to stop.</summary>
    public void Unmount(bool lazy = false) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
