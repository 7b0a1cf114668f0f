using System.Runtime.InteropServices;
using CowStore.Cli.Control;
using CowStore.Cli.Snapshots;
using CowStore.Core.Cow;
using CowStore.Fuse;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Daemon;

/// <summary>
/// Serves one session in this process: opens its delta, mounts it, records this process as its daemon,
/// and on unmount, SIGTERM or SIGINT closes everything durably and marks the session detached.
/// Used by the background daemon and by <c>mount --foreground</c>. It never accesses the mount itself:
/// a process reading through a mount it serves can deadlock with its own request threads.
/// </summary>
internal static class SessionServer
{
    /// <param name="onLive">Called once the mount is live and recorded.</param>
    public static ExitCode Serve(SessionCatalog catalog, string name, TextWriter log, Action<SessionRecord> onLive)
    {
        SessionRecord record = catalog.TryLoad(name) ?? throw new CliError(ExitCode.NotFound, $"no such session: {name}");
        string mountPoint = record.Mountpoint ?? throw new CliError(ExitCode.Usage, $"session {name} has no mountpoint to serve");
        PrepareDeltaDirectory(record);

        using var stop = new StopSignals();
        SessionFileSystem session = SessionFileSystem.Open(catalog.State, record);
        CowFileSystem fileSystem = session.FileSystem;
        ExitCode result = ExitCode.Success;
        try
        {
            FuseServer server = MountFileSystem(fileSystem, record, log);
            try
            {
                // Commands for the live mount (commit); closed before the filesystem is.
                using ControlServer control = ControlServer.Start(catalog.State.ControlSocket(name), (request, progress) => LiveCommit.Run(catalog.State, session, request, progress), log);
                int pid = Environment.ProcessId;
                catalog.Save(record with { DaemonPid = pid, DaemonStartTime = DaemonProbe.StartTimeOf(pid), Transport = server.Connection.Transport });
                log.WriteLine($"{DateTimeOffset.Now:O} session {name}: serving {record.Base} at {mountPoint} (pid {pid}, FUSE requests through {server.Connection.Transport})");
                onLive(record);
                WaitForEnd(server, stop, log);
            }
            finally
            {
                server.Dispose();
            }
        }
        finally
        {
            try
            {
                // Durable close: the delta is complete on disk before the session is marked detached.
                session.Dispose();
                log.WriteLine($"{DateTimeOffset.Now:O} session {name}: unmounted, delta closed");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"cowstore: session {name}: closing the delta failed: {e.Message}");
                result = ExitCode.Failure;
            }
            MarkEnded(catalog, name);
        }
        return result;
    }

    private static void WaitForEnd(FuseServer server, StopSignals stop, TextWriter log)
    {
        int which = Task.WaitAny(server.Completion, stop.Requested);
        if (which == 1 && !server.Completion.IsCompleted)
        {
            log.WriteLine($"{DateTimeOffset.Now:O} {stop.Requested.Result}: unmounting");
            try
            {
                server.Unmount(lazy: false);
            }
            catch (IOException e)
            {
                // A tenant still has files open: detach now and keep serving them until they close.
                log.WriteLine($"{DateTimeOffset.Now:O} unmount failed ({e.Message}); detaching lazily, serving open files until they close");
                server.Unmount(lazy: true);
            }
        }
        server.Completion.Wait();
    }

    private static FuseServer MountFileSystem(CowFileSystem fileSystem, SessionRecord record, TextWriter log)
    {
        var options = new FuseMountOptions
        {
            FsName = $"cowstore:{record.Name}",
            AllowOther = record.AllowOther,
            WritebackCache = record.WritebackCache,
            // The FUSE layer prefers passthrough when both are possible; the writeback cache needs it off.
            Passthrough = !record.WritebackCache,
            // Unprivileged users mount through the setuid helper; root mounts directly.
            ForceFusermount = Libc.GetEUid() != 0,
            // An escape hatch, not a setting (mount --help): io_uring is used whenever the kernel offers it.
            IoUring = Environment.GetEnvironmentVariable("COWSTORE_IO_URING") != "0",
            Log = log,
        };
        try
        {
            return FuseServer.Mount(fileSystem, record.Mountpoint!, options);
        }
        catch (FuseMountException e)
        {
            throw new CliError(ExitCode.Failure, e.Message);
        }
    }

    private static void PrepareDeltaDirectory(SessionRecord record)
    {
        if (record.Ephemeral)
        {
            // The tmpfs parent is shared by every user of the machine: keep our part private.
            string parent = Path.GetDirectoryName(record.DeltaDirectory)!;
            if (!OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        DurableFile.CreateDirectory(record.DeltaDirectory);
    }

    /// <summary>Records that this process no longer serves the session (an ephemeral one is removed).</summary>
    private static void MarkEnded(SessionCatalog catalog, string name)
    {
        SessionRecord? current = catalog.TryLoad(name);
        // Another daemon may own the session by now (a quick remount): leave its record alone.
        if (current is null || (current.DaemonPid is int pid && pid != Environment.ProcessId))
        {
            return;
        }
        if (current.Ephemeral)
        {
            catalog.Remove(current);
        }
        else
        {
            catalog.Save(current.AsDetached());
        }
    }
}
