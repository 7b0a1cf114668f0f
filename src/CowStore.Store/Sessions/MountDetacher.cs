using System.Diagnostics;
using CowStore.Store.Catalog;

namespace CowStore.Store.Sessions;

/// <summary>What <see cref="MountDetacher.Unmount"/> found.</summary>
public enum UnmountResult
{
    Unmounted,
    NotMounted,
    /// <summary>Files are still open on the mount (EBUSY); nothing changed.</summary>
    Busy,
}

/// <summary>
/// Unmounts a FUSE mount from outside its daemon: umount2(2) as root, fusermount3 otherwise
/// (an unprivileged user may only unmount its own FUSE mounts, and only through the setuid helper).
/// </summary>
public static class MountDetacher
{
    public static bool IsRoot => Libc.GetEUid() == 0;

    /// <summary>Unmounts <paramref name="mountPoint"/>; <paramref name="lazy"/> detaches it even while files are open.</summary>
    /// <exception cref="UnauthorizedAccessException">Not allowed to unmount it.</exception>
    /// <exception cref="IOException">Any other failure.</exception>
    public static UnmountResult Unmount(string mountPoint, bool lazy)
    {
        return IsRoot ? UnmountAsRoot(mountPoint, lazy) : UnmountWithFusermount(mountPoint, lazy);
    }

    private static UnmountResult UnmountAsRoot(string mountPoint, bool lazy)
    {
        while (Libc.Umount2(mountPoint, lazy ? Libc.MNT_DETACH : 0) != 0)
        {
            int errno = Libc.Errno;
            switch (errno)
            {
                case Libc.EINTR:
                    continue;
                case Libc.EBUSY:
                    return UnmountResult.Busy;
                case Libc.EINVAL:
                    return UnmountResult.NotMounted;
                default:
                    throw ErrnoException.From(errno, $"umount {mountPoint}");
            }
        }
        return UnmountResult.Unmounted;
    }

    private static UnmountResult UnmountWithFusermount(string mountPoint, bool lazy)
    {
        var start = new ProcessStartInfo("fusermount3")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        if (lazy)
        {
            start.ArgumentList.Add("-z");
        }
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(mountPoint);
        using Process process = Process.Start(start) ?? throw new IOException("cannot start fusermount3");
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode == 0)
        {
            return UnmountResult.Unmounted;
        }
        if (error.Contains("busy", StringComparison.OrdinalIgnoreCase))
        {
            return UnmountResult.Busy;
        }
        if (error.Contains("not found in", StringComparison.Ordinal) || error.Contains("not mounted", StringComparison.OrdinalIgnoreCase)
            || error.Contains("Invalid argument", StringComparison.Ordinal))
        {
            return UnmountResult.NotMounted;
        }
        if (error.Contains("not permitted", StringComparison.OrdinalIgnoreCase) || error.Contains("Permission denied", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnauthorizedAccessException($"fusermount3 cannot unmount {mountPoint}: {error}");
        }
        throw new IOException($"fusermount3 -u {mountPoint} failed: {error}");
    }
}
