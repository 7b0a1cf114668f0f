using System.Runtime.InteropServices;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Sessions;

/// <summary>Validates the base and mountpoint a user names; every failure is one <see cref="CliError"/> line.</summary>
internal static class PathArguments
{
    /// <summary>
    /// The absolute, symlink-free path of the base directory. Snapshot ids are not known yet, so an
    /// argument that does not look like a path is an unknown snapshot.
    /// </summary>
    public static string ResolveBase(string argument)
    {
        bool looksLikePath = argument.Contains('/', StringComparison.Ordinal) || argument.StartsWith('.') || argument.StartsWith('~')
            || Path.Exists(argument);
        if (!looksLikePath)
        {
            throw new CliError(ExitCode.NotFound, $"unknown snapshot or path: {argument}");
        }
        string full = Path.GetFullPath(ExpandHome(argument));
        if (!Directory.Exists(full))
        {
            throw File.Exists(full)
                ? new CliError(ExitCode.Usage, $"base is not a directory: {full}")
                : new CliError(ExitCode.NotFound, $"base not found: {full}");
        }
        string resolved = RealPath(full);
        try
        {
            using IEnumerator<string> probe = Directory.EnumerateFileSystemEntries(resolved).GetEnumerator();
            probe.MoveNext();
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliError(ExitCode.PermissionDenied, $"permission denied: cannot read base {resolved}");
        }
        return resolved;
    }

    /// <summary>
    /// The absolute, symlink-free mountpoint: an existing, empty directory that is not a mount already.
    /// The mount table is consulted before the directory is touched: a foreign or dead FUSE mount there
    /// could hang or fail every stat.
    /// </summary>
    public static string ResolveMountpoint(string argument, MountTable mounts)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(ExpandHome(argument)));
        RejectMount(full, mounts);
        if (!Directory.Exists(full))
        {
            throw File.Exists(full)
                ? new CliError(ExitCode.Usage, $"mountpoint is not a directory: {full}")
                : new CliError(ExitCode.NotFound, $"mountpoint not found: {full} (create an empty directory first)");
        }
        string resolved = RealPath(full);
        RejectMount(resolved, mounts);
        bool empty;
        try
        {
            empty = !Directory.EnumerateFileSystemEntries(resolved).Any();
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliError(ExitCode.PermissionDenied, $"permission denied: cannot read mountpoint {resolved}");
        }
        if (!empty)
        {
            throw new CliError(ExitCode.Conflict, $"mountpoint is not empty: {resolved} (cowstore mounts only on an empty directory, so nothing there is hidden)");
        }
        return resolved;
    }

    /// <summary>Absolute form of a user path without touching it (for lookups of mounts that may be dead).</summary>
    public static string Absolute(string argument) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(ExpandHome(argument)));

    private static void RejectMount(string path, MountTable mounts)
    {
        MountEntry? mount = mounts.FindAt(path);
        if (mount is not null)
        {
            throw new CliError(ExitCode.Conflict, $"mountpoint is already a mount: {path} ({mount.FileSystemType} from {mount.Source})");
        }
    }

    private static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home + path[1..];
        }
        return path;
    }

    private static string RealPath(string path)
    {
        nint resolved = Libc.RealPath(path, 0);
        if (resolved == 0)
        {
            int errno = Libc.Errno;
            throw new CliError(ExitCode.Failure, $"cannot resolve {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Libc.Free(resolved);
        }
    }
}
