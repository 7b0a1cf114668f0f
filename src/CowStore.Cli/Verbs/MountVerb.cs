using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Sessions;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("mount", HelpText =
    "Present a read-only base directory or a committed snapshot as a writable directory. Nothing is copied: writes land in the "
    + "session's delta, the base is never touched. Returns once the mount is live (a background daemon serves "
    + "it) and prints the session name as the last line. The session survives unmount and crashes until it is "
    + "discarded; resume it with --session NAME. The daemon takes FUSE requests through io_uring, each CPU's on that CPU, "
    + "when the kernel offers it (Linux 6.14+ with fuse.enable_uring=1, which `make setup` turns on), else through /dev/fuse; "
    + "`cowstore status --json` shows which. COWSTORE_IO_URING=0 in the environment forces /dev/fuse.")]
public sealed class MountVerb : IVerb
{
    [Value(0, MetaName = "base", Required = true, HelpText = "What to build on: a read-only directory (e.g. /nix/store/<hash>-db), or a snapshot by id, unique id prefix or tag.")]
    public string Base { get; set; } = "";

    [Value(1, MetaName = "mountpoint", Required = true, HelpText = "An existing, empty directory where the writable view appears.")]
    public string Mountpoint { get; set; } = "";

    [Option("session", MetaValue = "NAME", HelpText = "Resume the detached session NAME (same base), or create it. Default: a new session named after the base.")]
    public string? Session { get; set; }

    [Option("foreground", HelpText = "Serve in this process until unmounted or interrupted (Ctrl-C unmounts cleanly).")]
    public bool Foreground { get; set; }

    [Option("allow-other", HelpText = "Let other users see the mount (needs user_allow_other in /etc/fuse.conf). Default: owner only.")]
    public bool AllowOther { get; set; }

    [Option("ephemeral", HelpText = "Keep the delta in memory (tmpfs); the session is deleted when unmounted.")]
    public bool Ephemeral { get; set; }

    [Option("preserve-ownership", HelpText = "Show the base's owners and modes as they are instead of presenting every file as yours and writable.")]
    public bool PreserveOwnership { get; set; }

    [Option("writeback-cache", HelpText = "Let the kernel cache writes and hand them over in batches: small writes return at memory speed. "
        + "Whether a workload gains depends on how requests reach the daemon: over /dev/fuse random writes with fsync ran about 1.2x faster, over io_uring "
        + "write-through was as fast or faster (see README, Measurements). "
        + "The price: stat after a close asks the daemon again (stat-heavy work is several times slower), and data written but not yet fsynced waits in the kernel, "
        + "so killing the daemon with -9 loses it (fsync'd data is safe either way). Remembered by the session: resuming keeps it unless --no-writeback-cache.")]
    public bool WritebackCache { get; set; }

    [Option("no-writeback-cache", HelpText = "Resume a session that was mounted with --writeback-cache without it.")]
    public bool NoWritebackCache { get; set; }

    [Option("timeout", MetaValue = "SECONDS", HelpText = "How long to wait for the mount to become live (default 30).")]
    public int? TimeoutSeconds { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Mount a Nix-built database writable at ~/db (prints the new session's name)",
            new MountVerb { Base = "/nix/store/<hash>-neo4j-data", Mountpoint = "~/db" }),
        new("Resume that session after `cowstore umount ~/db`",
            new MountVerb { Base = "/nix/store/<hash>-neo4j-data", Mountpoint = "~/db", Session = "neo4j-data-k3j9qa" }),
        new("Mount a committed snapshot by tag (or id prefix) somewhere else",
            new MountVerb { Base = "nightly", Mountpoint = "~/db-nightly" }),
        new("Scratch copy that disappears on unmount",
            new MountVerb { Base = "/nix/store/<hash>-neo4j-data", Mountpoint = "/tmp/scratch", Ephemeral = true }),
        new("Let the kernel cache writes (remembered when the session is resumed)",
            new MountVerb { Base = "/nix/store/<hash>-postgres-data", Mountpoint = "~/pg", WritebackCache = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (Session is not null && !SessionNames.IsValid(Session))
        {
            throw new CliError(ExitCode.Usage, $"invalid session name: '{Session}' (1-{SessionNames.MaxLength} of A-Z a-z 0-9 . _ -, not starting with . or -)");
        }
        if (WritebackCache && NoWritebackCache)
        {
            throw new CliError(ExitCode.Usage, "--writeback-cache and --no-writeback-cache contradict each other");
        }
        if (TimeoutSeconds is <= 0)
        {
            throw new CliError(ExitCode.Usage, "--timeout must be a positive number of seconds");
        }
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        MountSource source = MountSource.Resolve(Base, new SnapshotStore(catalog.State.StoreDirectory));

        var catalogLock = CatalogLock.Acquire(catalog.State, DaemonLauncher.DefaultTimeout);
        try
        {
            IReadOnlyList<SessionView> sessions = new Reconciler(catalog, error).ReconcileAll();
            // After the reconciler: a dead daemon's stale mount must not be mistaken for someone else's mount.
            string mountPoint = PathArguments.ResolveMountpoint(Mountpoint, MountTable.Read());
            SessionView? existing = Session is null ? null : sessions.FirstOrDefault(s => s.Name == Session);
            SessionRecord record = existing is null
                ? NewSession(catalog, source, mountPoint, Session ?? SessionNames.Generate(source.Label))
                : Resume(existing, source, mountPoint);
            catalog.Save(record);
            // A base in /nix/store must outlive nix-collect-garbage while the session depends on it.
            new NixGcRoots(catalog.State).TryProtect(NixGcRoots.SessionRoot(record.Name), record.Base, error);

            if (Foreground)
            {
                return SessionServer.Serve(catalog, record.Name, error, live =>
                {
                    catalogLock.Dispose();
                    output.WriteLine($"mounted {source.Label} at {live.Mountpoint}; serving in the foreground, Ctrl-C unmounts");
                    output.WriteLine(live.Name);
                    output.Flush();
                });
            }
            try
            {
                DaemonLauncher.Start(catalog, record, TimeoutSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : DaemonLauncher.DefaultTimeout);
            }
            catch
            {
                Abandon(catalog, record, existing is null);
                throw;
            }
            output.WriteLine($"mounted {source.Label} at {record.Mountpoint}{(record.Ephemeral ? " (ephemeral)" : "")}; cowstore umount {record.Name} to detach");
            output.WriteLine(record.Name);
            return ExitCode.Success;
        }
        finally
        {
            catalogLock.Dispose();
        }
    }

    private SessionRecord NewSession(SessionCatalog catalog, MountSource source, string mountPoint, string name)
    {
        string delta = Ephemeral
            ? EphemeralDeltaLocation.For(name, Environment.GetEnvironmentVariable, MountTable.Read(), Libc.GetEUid())
            : catalog.State.PersistentDeltaDirectory(name);
        if (Directory.Exists(catalog.State.SessionDirectory(name)) || Directory.Exists(delta))
        {
            throw new CliError(ExitCode.Conflict, $"session {name} already exists but its record is unreadable; see cowstore status");
        }
        return new SessionRecord
        {
            Name = name,
            Base = source.BaseDirectory,
            Snapshot = source.Snapshot,
            DeltaDirectory = delta,
            Mountpoint = mountPoint,
            Ephemeral = Ephemeral,
            PreserveOwnership = PreserveOwnership,
            AllowOther = AllowOther,
            WritebackCache = WritebackCache,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    private SessionRecord Resume(SessionView existing, MountSource source, string mountPoint)
    {
        SessionRecord record = existing.Record;
        if (existing.State == SessionState.Stale)
        {
            throw StaleMountError.For(existing);
        }
        if (existing.State != SessionState.Detached)
        {
            string where = record.Mountpoint is null ? "" : $" at {record.Mountpoint}";
            throw new CliError(ExitCode.Conflict, $"session {record.Name} is already mounted{where} (daemon {record.DaemonPid}); cowstore umount {record.Name} first");
        }
        // The session resumes over what its delta was made on; naming its last commit instead is the same content.
        bool sameSource = record.Base == source.BaseDirectory
            && (source.Snapshot == record.Snapshot || (source.Snapshot is not null && source.Snapshot == record.Head));
        if (!sameSource)
        {
            string over = record.Parent is string parent ? $"snapshot {parent[..12]}" : record.Base;
            throw new CliError(ExitCode.Conflict, $"session {record.Name} is over {over}, not {source.Label}; omit --session to start a new session");
        }
        if (Ephemeral && !record.Ephemeral)
        {
            throw new CliError(ExitCode.Usage, $"session {record.Name} is persistent; --ephemeral only applies to new sessions");
        }
        if (PreserveOwnership != record.PreserveOwnership && PreserveOwnership)
        {
            throw new CliError(ExitCode.Usage, $"session {record.Name} was created without --preserve-ownership; ownership mode is fixed per session");
        }
        bool writebackCache = WritebackCache || (record.WritebackCache && !NoWritebackCache);
        return record.AsDetached() with { Mountpoint = mountPoint, AllowOther = AllowOther, WritebackCache = writebackCache };
    }

    /// <summary>Undoes the record of a failed mount: a new session never held data, a resumed one stays detached.</summary>
    private static void Abandon(SessionCatalog catalog, SessionRecord record, bool isNew)
    {
        SessionRecord? current = catalog.TryLoad(record.Name);
        if (current is null || current.DaemonPid is not null)
        {
            return;
        }
        if (isNew)
        {
            catalog.Remove(current);
        }
        else
        {
            catalog.Save(current.AsDetached());
        }
    }
}
