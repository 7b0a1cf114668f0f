using System.Diagnostics;
using CowStore.Fuse.Interop;

namespace CowStore.Fuse.Transport;

/// <summary>What a successful mount leaves us: the session fd and, for fusermount3, its helper and socket.</summary>
internal sealed class MountedDevice(FileDescriptorHandle session, bool viaFusermount, FileDescriptorHandle? commSocket, Process? fusermount)
{
    /// <summary>The /dev/fuse fd the kernel attached to the mount.</summary>
    public FileDescriptorHandle Session { get; } = session;

    public bool ViaFusermount { get; } = viaFusermount;

    /// <summary>
    /// Our end of the fusermount3 socket. With auto_unmount, fusermount3 waits on it and unmounts when it
    /// closes (the daemon died), so it stays open for the daemon's whole life.
    /// </summary>
    public FileDescriptorHandle? CommSocket { get; } = commSocket;

    /// <summary>The fusermount3 process still watching the socket (auto_unmount), or null.</summary>
    public Process? Fusermount { get; } = fusermount;

    /// <summary>Releases the helper: closing the socket lets a watching fusermount3 exit.</summary>
    public void ReleaseHelper()
    {
        CommSocket?.Dispose();
        if (Fusermount is { } process)
        {
            try
            {
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }
}
