using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Sessions;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("umount", aliases: ["unmount"], HelpText =
    "Flush and unmount a session, then wait until its daemon has closed the delta durably. The session is kept, "
    + "detached: `cowstore mount --session NAME` brings it back. An ephemeral session is deleted. Fails if a "
    + "program still has files open on the mount, unless --lazy.")]
public sealed class UmountVerb : IVerb
{
    [Value(0, MetaName = "mountpoint|session", Required = true, HelpText = "The mountpoint or the session name.")]
    public string Target { get; set; } = "";

    [Option("lazy", HelpText = "Detach the mount now even if files are open; the daemon exits when the last one is closed.")]
    public bool Lazy { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Unmount ~/db and keep its changes for later", new UmountVerb { Target = "~/db" }),
        new("Detach a mount a program still uses", new UmountVerb { Target = "neo4j-data-k3j9qa", Lazy = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        using CatalogLock catalogLock = CatalogLock.Acquire(catalog.State, Daemon.DaemonLauncher.DefaultTimeout);
        SessionView session = TargetResolver.Resolve(new Reconciler(catalog, error).ReconcileAll(), Target);
        SessionRecord record = session.Record;
        switch (session.State)
        {
            case SessionState.Detached:
                output.WriteLine($"session {record.Name} is not mounted; nothing to do");
                return ExitCode.Success;
            case SessionState.Stale:
                throw StaleMountError.For(session);
            case SessionState.Transitioning:
                throw new CliError(ExitCode.Conflict,
                    $"session {record.Name} is starting or finishing a lazy unmount (daemon {record.DaemonPid}); try again once its programs have closed their files");
        }
        bool exited = SessionUnmounter.Unmount(catalog, session, Lazy,
            "stop the program using it, or use --lazy to detach now and finish when it closes its files");
        if (!exited)
        {
            output.WriteLine($"detached {record.Mountpoint} lazily; session {record.Name} is closed when the last open file is");
        }
        else if (record.Ephemeral)
        {
            output.WriteLine($"unmounted {record.Mountpoint}; ephemeral session {record.Name} deleted");
        }
        else
        {
            output.WriteLine($"unmounted {record.Mountpoint}; session {record.Name} kept (detached), resume with: cowstore mount --session {record.Name} {record.Base} <mountpoint>");
        }
        return ExitCode.Success;
    }
}
