using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Control;
using CowStore.Cli.Daemon;
using CowStore.Cli.Output;
using CowStore.Cli.Sessions;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("commit", HelpText =
    "Promote a session's changes to a new immutable snapshot and print its id as the last line. The id is a "
    + "SHA-256 of the content (same base and same content give the same id, whatever order the writes came in); "
    + "only blocks the store does not hold yet are stored. A mounted session is snapshotted at one point in time "
    + "(file operations pause for the capture) and keeps running: its next commit builds on this one, and discard "
    + "returns to it. A detached session is committed as it rests.")]
public sealed class CommitVerb : IVerb
{
    [Value(0, MetaName = "mountpoint|session", Required = true, HelpText = "The mountpoint or the session name.")]
    public string Target { get; set; } = "";

    [Option('m', "message", MetaValue = "TEXT", HelpText = "What this snapshot is (shown by cowstore log).")]
    public string? Message { get; set; }

    [Option("meta", MetaValue = "KEY=VALUE", HelpText = "Extra metadata to record (repeatable), e.g. --meta neo4j.version=5.6.0.")]
    public IList<string> Meta { get; set; } = [];

    [Option("umount", HelpText = "Unmount the session after committing.")]
    public bool Umount { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Keep what the database in ~/db did as a new snapshot", new CommitVerb { Target = "~/db", Message = "after import of 2026-11 data" }),
        new("Commit and unmount", new CommitVerb { Target = "~/db", Umount = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        Dictionary<string, string> metadata = ParseMeta(Meta);
        StateDirectory state = StateDirectory.FromEnvironment();
        var catalog = new SessionCatalog(state);
        var store = new SnapshotStore(state.StoreDirectory);
        using CatalogLock catalogLock = CatalogLock.Acquire(state, DaemonLauncher.DefaultTimeout);
        SessionView session = TargetResolver.Resolve(new Reconciler(catalog, error).ReconcileAll(), Target);
        SessionRecord record = session.Record;
        switch (session.State)
        {
            case SessionState.Stale:
                throw StaleMountError.For(session);
            case SessionState.Transitioning:
                throw new CliError(ExitCode.Conflict, $"session {record.Name} is starting or finishing a lazy unmount (daemon {record.DaemonPid}); try again later");
        }
        var request = new CommitRequest
        {
            BaseId = SnapshotCatalog.BaseIdOf(store, record.Snapshot, record.Base),
            ParentId = record.Parent,
            Message = Message,
            Metadata = metadata,
        };

        CommitResult result;
        using (var progress = new ProgressBar($"committing {record.Name}"))
        {
            result = session.State == SessionState.Mounted ? CommitLive(state, record, request, progress) : CommitDetached(state, record, store, request, progress);
        }
        string id = result.Id;
        // Every snapshot reads through its base: a base in /nix/store stays rooted while the store knows it.
        BaseRecord baseRecord = store.ReadBase(request.BaseId);
        new NixGcRoots(state).TryProtect(NixGcRoots.BaseRoot(baseRecord.Id), baseRecord.Path, error);
        SessionRecord? current = catalog.TryLoad(record.Name);
        if (current is not null)
        {
            catalog.Save(current with { Head = id });
        }
        output.WriteLine(result.AlreadyExisted && id == request.ParentId
            ? $"nothing changed in session {record.Name} since its last commit"
            : result.AlreadyExisted
            ? $"committed session {record.Name}: the store already holds this exact snapshot"
            : $"committed session {record.Name}: {ByteSize.Format(result.NewBytes)} of new blocks stored");
        if (Umount && session.State == SessionState.Mounted)
        {
            SessionUnmounter.Unmount(catalog, session, lazy: false, "stop the program using it, then run cowstore umount");
            output.WriteLine($"unmounted {record.Mountpoint}");
        }
        output.WriteLine(id);
        return ExitCode.Success;
    }

    private static CommitResult CommitLive(StateDirectory state, SessionRecord record, CommitRequest request, IProgress<long> progress)
    {
        // Pages the kernel still caches for the mount (writeback cache) belong in the snapshot: push them to the daemon first.
        int fd = Libc.Open(record.Mountpoint!, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd >= 0)
        {
            Libc.SyncFs(fd);
            Libc.Close(fd);
        }
        ControlReply reply = ControlClient.Send(state.ControlSocket(record.Name), new ControlRequest
        {
            Op = "commit",
            BaseId = request.BaseId,
            ParentId = request.ParentId,
            Message = request.Message,
            Metadata = new Dictionary<string, string>(request.Metadata, StringComparer.Ordinal),
        }, progress);
        return new CommitResult(reply.Id!, reply.NewBytes, reply.Existed);
    }

    private static CommitResult CommitDetached(StateDirectory state, SessionRecord record, SnapshotStore store, CommitRequest request, IProgress<long> progress)
    {
        if (!Directory.Exists(record.DeltaDirectory))
        {
            throw new CliError(ExitCode.NotFound, $"session {record.Name} has no delta at {record.DeltaDirectory}");
        }
        using SessionFileSystem session = SessionFileSystem.Open(state, record);
        return SnapshotCommitter.Commit(session.FileSystem, store, request, progress);
    }

    internal static Dictionary<string, string> ParseMeta(IEnumerable<string> pairs)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliError(ExitCode.Usage, $"--meta wants KEY=VALUE, got '{pair}'");
            }
            metadata[pair[..equals]] = pair[(equals + 1)..];
        }
        return metadata;
    }
}
