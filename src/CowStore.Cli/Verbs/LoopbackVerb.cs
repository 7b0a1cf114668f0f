using System.Runtime.InteropServices;
using CommandLine;
using CommandLine.Text;
using CowStore.Core.Loopback;
using CowStore.Fuse;

namespace CowStore.Cli.Verbs;

[Verb("loopback", HelpText =
    "Mirror an existing directory at a mountpoint through cowstore's own FUSE layer, with no copy-on-write: " +
    "every operation on the mountpoint is performed on the directory itself (reads, writes, fsync, rename, links, xattrs, fallocate, holes). " +
    "It exists to prove the FUSE transport: the POSIX conformance tests and benchmarks compare the mirror against the directory underneath, " +
    "so any difference is a bug in the FUSE layer, not in the copy-on-write store. " +
    "Runs in the foreground, prints 'mounted <dir> at <mountpoint>' once the mount is live, and unmounts on Ctrl-C/SIGTERM " +
    "(or stops when someone runs 'fusermount3 -u <mountpoint>'). " +
    "Example: cowstore loopback /srv/data /mnt/mirror")]
public sealed class LoopbackVerb : IVerb
{
    [Value(0, MetaName = "dir", Required = true, HelpText = "Existing directory to serve. Changes made through the mountpoint land here, immediately and for real.")]
    public string Directory { get; set; } = "";

    [Value(1, MetaName = "mountpoint", Required = true, HelpText = "Existing empty directory to mount on; must not be inside <dir> (the daemon would serve itself).")]
    public string MountPoint { get; set; } = "";

    [Option("allow-other", HelpText = "Let other users see the mount (unprivileged: needs user_allow_other in /etc/fuse.conf). Permissions are still checked by the kernel.")]
    public bool AllowOther { get; set; }

    [Option("unprivileged", HelpText = "Mount through fusermount3 even as root, to exercise the path normal users take.")]
    public bool Unprivileged { get; set; }

    [Option("threads", HelpText = "Reader threads serving /dev/fuse (default: number of CPUs, 2 to 8).")]
    public int? Threads { get; set; }

    [Option("no-io-uring", HelpText = "Serve every request through /dev/fuse reads and writes even when the kernel offers FUSE over io_uring " +
        "(Linux 6.14+ with fuse.enable_uring=1: a queue per CPU, answered on that CPU). Compares the two transports.")]
    public bool NoIoUring { get; set; }

    [Option("writeback-cache", HelpText = "Let the kernel cache writes and send them in large batches (faster small writes; the kernel then owns file sizes and mtimes while files are open).")]
    public bool WritebackCache { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Serve /srv/data unchanged at /mnt/mirror through cowstore's own FUSE layer (no copy-on-write: every change lands in /srv/data). " +
            "Used to prove the FUSE transport: tests compare the mirror with the directory itself. Stops on Ctrl-C, SIGTERM or fusermount3 -u", new LoopbackVerb { Directory = "/srv/data", MountPoint = "/mnt/mirror" }),
        new("Test the unprivileged mount path with the writeback cache", new LoopbackVerb { Directory = "/srv/data", MountPoint = "/mnt/mirror", Unprivileged = true, WritebackCache = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        string directory = RequireDirectory(Directory, "directory");
        string mountPoint = RequireDirectory(MountPoint, "mountpoint");
        if (IsSameOrInside(mountPoint, directory))
        {
            throw new CliError(ExitCode.Usage, $"mountpoint {mountPoint} is inside {directory}: the filesystem would serve its own mount");
        }
        if (IsMountPoint(mountPoint))
        {
            throw new CliError(ExitCode.Conflict, $"{mountPoint} is already a mount point (unmount it first: fusermount3 -u {mountPoint})");
        }
        if (Threads is < 1)
        {
            throw new CliError(ExitCode.Usage, "--threads must be at least 1");
        }

        var options = new FuseMountOptions
        {
            FsName = directory,
            Subtype = "cowstore-loopback",
            AllowOther = AllowOther,
            ForceFusermount = Unprivileged,
            WritebackCache = WritebackCache,
            ReaderThreads = Threads ?? new FuseMountOptions().ReaderThreads,
            IoUring = !NoIoUring,
            Log = error,
        };

        using var fileSystem = OpenDirectory(directory);
        using FuseServer server = MountOrFail(fileSystem, mountPoint, options);
        output.WriteLine($"mounted {directory} at {mountPoint} (requests through {server.Connection.Transport})");
        output.Flush();

        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we exit on our own once unmounted
            stopRequested.TrySetResult();
        }
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal))
        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal))
        {
            Task.WaitAny(server.Completion, stopRequested.Task);
            if (!server.Completion.IsCompleted)
            {
                Unmount(server, mountPoint);
            }
        }
        if (server.Completion.IsFaulted)
        {
            throw new CliError(ExitCode.Failure, $"serving {mountPoint} failed: {server.Completion.Exception!.GetBaseException().Message}");
        }
        return ExitCode.Success;
    }

    private static LoopbackFileSystem OpenDirectory(string directory)
    {
        try
        {
            return new LoopbackFileSystem(directory);
        }
        catch (IOException e)
        {
            throw new CliError(ExitCode.Failure, e.Message);
        }
    }

    private static FuseServer MountOrFail(LoopbackFileSystem fileSystem, string mountPoint, FuseMountOptions options)
    {
        try
        {
            return FuseServer.Mount(fileSystem, mountPoint, options);
        }
        catch (IOException e)
        {
            throw new CliError(ExitCode.Failure, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliError(ExitCode.PermissionDenied, $"cannot mount {mountPoint}: {e.Message}");
        }
    }

    private static void Unmount(FuseServer server, string mountPoint)
    {
        try
        {
            server.Unmount();
        }
        catch (IOException)
        {
            // Busy (a shell sits in it): detach now, the kernel finishes when the last user leaves.
            server.Unmount(lazy: true);
        }
        if (!server.Completion.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new CliError(ExitCode.Failure, $"{mountPoint} did not finish unmounting within 10 s");
        }
    }

    private static string RequireDirectory(string path, string what)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new CliError(ExitCode.Usage, $"missing {what}");
        }
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!System.IO.Directory.Exists(full))
        {
            throw new CliError(ExitCode.NotFound, File.Exists(full) ? $"{what} {full} is not a directory" : $"{what} {full} does not exist");
        }
        return full.Length == 0 ? "/" : full;
    }

    /// <summary>True when /proc/self/mountinfo lists <paramref name="path"/> as a mount point (field 5, octal escapes).</summary>
    private static bool IsMountPoint(string path)
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == path)
            {
                return true;
            }
        }
        return false;
    }

    // mountinfo writes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field) =>
        field.Contains('\\', StringComparison.Ordinal)
            ? System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString())
            : field;

    private static bool IsSameOrInside(string path, string directory) =>
        path == directory || path.StartsWith(directory.EndsWith('/') ? directory : directory + "/", StringComparison.Ordinal);
}
