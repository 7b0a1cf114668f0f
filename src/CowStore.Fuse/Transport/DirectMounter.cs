using CowStore.Fuse.Interop;

namespace CowStore.Fuse.Transport;

/// <summary>Root path: open /dev/fuse and call mount(2) ourselves.</summary>
internal static class DirectMounter
{
    public static MountedDevice Mount(string mountPoint, FuseMountOptions options)
    {
        FileDescriptorHandle device = OpenDevice();
        try
        {
            string data = FormattableString.Invariant($"fd={device.Fd},rootmode=40000,user_id={Libc.Getuid()},group_id={Libc.Getgid()}") +
                (options.DefaultPermissions ? ",default_permissions" : "") +
                (options.AllowOther ? ",allow_other" : "") +
                FormattableString.Invariant($",max_read={options.MaxWrite}");
            if (Libc.Mount(options.FsName, mountPoint, "fuse." + options.Subtype, Libc.MS_NOSUID | Libc.MS_NODEV, data) != 0)
            {
                int errno = Libc.Errno;
                throw new FuseMountException($"cannot mount {mountPoint}: mount(2) failed: {Libc.Describe(errno)}");
            }
            return new MountedDevice(device, viaFusermount: false, commSocket: null, fusermount: null);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>Opens /dev/fuse with O_CLOEXEC so no child process inherits the connection.</summary>
    public static FileDescriptorHandle OpenDevice()
    {
        int fd = Libc.Open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Libc.Errno;
            string hint = errno switch
            {
                Errno.ENOENT => " (is the fuse module loaded?)",
                Errno.EACCES or Errno.EPERM => " (permission denied; mount through fusermount3 instead)",
                _ => "",
            };
            throw new FuseMountException($"cannot open /dev/fuse: {Libc.Describe(errno)}{hint}");
        }
        return new FileDescriptorHandle(fd);
    }
}
