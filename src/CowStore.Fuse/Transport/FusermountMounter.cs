using System.Diagnostics;
using System.Globalization;
using CowStore.Fuse.Interop;

namespace CowStore.Fuse.Transport;

/// <summary>
/// Unprivileged path: the setuid fusermount3 mounts and hands the /dev/fuse fd back over a unix socket
/// (<c>_FUSE_COMMFD</c>, SCM_RIGHTS). Also runs <c>fusermount3 -u</c>.
/// </summary>
internal static unsafe class FusermountMounter
{
    private const string Program = "fusermount3";

    /// <summary>
    /// Serializes spawning: the child's socket end must be inheritable, so while it is open another
    /// fusermount3 we start would inherit it too and keep it alive (hiding the failure EOF).
    /// </summary>
    private static readonly Lock SpawnLock = new();

    public static MountedDevice Mount(string mountPoint, FuseMountOptions options)
    {
        string mountOptions = "rw,nosuid,nodev" +
            $",fsname={CheckOption(options.FsName)},subtype={CheckOption(options.Subtype)}" +
            (options.DefaultPermissions ? ",default_permissions" : "") +
            (options.AllowOther ? ",allow_other" : "") +
            (options.AutoUnmount ? ",auto_unmount" : "") +
            string.Create(CultureInfo.InvariantCulture, $",max_read={options.MaxWrite}");

        FileDescriptorHandle ours;
        Process process;
        lock (SpawnLock)
        {
            int* fds = stackalloc int[2];
            if (Libc.Socketpair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, fds) != 0)
            {
                throw new FuseMountException($"cannot mount {mountPoint}: socketpair failed: {Libc.Describe(Libc.Errno)}");
            }
            ours = new FileDescriptorHandle(fds[0]);
            using var theirs = new FileDescriptorHandle(fds[1]);
            // Only the child's end crosses exec (.NET's fork/exec keeps non-CLOEXEC descriptors).
            if (Libc.Fcntl(theirs.Fd, Libc.F_SETFD, 0) != 0)
            {
                ours.Dispose();
                throw new FuseMountException($"cannot mount {mountPoint}: fcntl failed: {Libc.Describe(Libc.Errno)}");
            }
            var start = new ProcessStartInfo(Program)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.ArgumentList.Add("-o");
            start.ArgumentList.Add(mountOptions);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(mountPoint);
            start.Environment["_FUSE_COMMFD"] = theirs.Fd.ToString(CultureInfo.InvariantCulture);
            try
            {
                process = Process.Start(start) ?? throw new FuseMountException($"cannot start {Program}");
            }
            catch (System.ComponentModel.Win32Exception exception)
            {
                ours.Dispose();
                throw new FuseMountException($"cannot mount {mountPoint}: cannot run {Program}: {exception.Message}", exception);
            }
        }

        // Drain both pipes so a chatty fusermount3 never blocks; the text explains a failure.
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();

        int fd = ReceiveFd(ours);
        if (fd < 0)
        {
            ours.Dispose();
            bool exited = process.WaitForExit(TimeSpan.FromSeconds(10));
            string message = stderr.Wait(TimeSpan.FromSeconds(1)) ? stderr.Result.Trim() : "";
            process.Dispose();
            // fusermount3 prefixes its own name; we add it once.
            if (message.StartsWith(Program + ": ", StringComparison.Ordinal))
            {
                message = message[(Program.Length + 2)..];
            }
            if (message.Length == 0)
            {
                message = exited ? "no file descriptor received" : "did not answer";
            }
            throw new FuseMountException($"cannot mount {mountPoint}: {Program}: {message.ReplaceLineEndings(" ")}");
        }

        var device = new FileDescriptorHandle(fd);
        if (options.AutoUnmount)
        {
            return new MountedDevice(device, viaFusermount: true, commSocket: ours, fusermount: process);
        }
        process.WaitForExit(TimeSpan.FromSeconds(10));
        process.Dispose();
        ours.Dispose();
        return new MountedDevice(device, viaFusermount: true, commSocket: null, fusermount: null);
    }

    /// <summary>Runs <c>fusermount3 -u [-z] -- mountPoint</c>; 0, or the exit code with its message.</summary>
    public static int Unmount(string mountPoint, bool lazy, out string message)
    {
        var start = new ProcessStartInfo(Program)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add("-u");
        if (lazy)
        {
            start.ArgumentList.Add("-z");
        }
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(mountPoint);
        Process process;
        lock (SpawnLock)
        {
            process = Process.Start(start) ?? throw new IOException($"cannot start {Program}");
        }
        using (process)
        {
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            process.WaitForExit();
            message = stderr.Wait(TimeSpan.FromSeconds(5)) ? stderr.Result.Trim() : "";
            return process.ExitCode;
        }
    }

    /// <summary>Receives the /dev/fuse fd (CLOEXEC) sent with SCM_RIGHTS; -1 when fusermount3 closed the socket instead.</summary>
    private static int ReceiveFd(FileDescriptorHandle socket)
    {
        byte data;
        var iov = new Iovec { Base = &data, Length = 1 };
        // CMSG_SPACE(sizeof(int)) = 16-byte header + 4 bytes rounded up to 8.
        const int ControlSize = 24;
        ulong* control = stackalloc ulong[ControlSize / 8];
        var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
        while (true)
        {
            nint received = Libc.Recvmsg(socket.Fd, &message, Libc.MSG_CMSG_CLOEXEC);
            if (received < 0 && Libc.Errno == Errno.EINTR)
            {
                continue;
            }
            if (received <= 0 || message.ControlLength < (nuint)sizeof(CmsgHdr) + sizeof(int))
            {
                return -1;
            }
            break;
        }
        var header = (CmsgHdr*)control;
        if (header->Level != Libc.SOL_SOCKET || header->Type != Libc.SCM_RIGHTS)
        {
            return -1;
        }
        int fd = *(int*)(header + 1);
        // MSG_CMSG_CLOEXEC already set it atomically; make sure anyway, a leaked fd keeps the mount busy.
        Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        return fd;
    }

    private static string CheckOption(string value)
    {
        if (value.Length == 0 || value.IndexOfAny([',', '\\', '\n']) >= 0)
        {
            throw new FuseMountException($"invalid mount name '{value}': must be non-empty without ',' or '\\'");
        }
        return value;
    }
}
