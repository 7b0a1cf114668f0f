using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Output;
using CowStore.Cli.Sessions;
using CowStore.Core.Cow;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("discard", HelpText =
    "Throw away every change of a session since its last commit: the view returns to that snapshot (or to the "
    + "base, if the session never committed). A mounted session is "
    + "unmounted, emptied and mounted again at the same place under the same name (programs using it must be "
    + "stopped first). A detached session stays detached, now empty.")]
public sealed class DiscardVerb : IVerb
{
    [Value(0, MetaName = "mountpoint|session", Required = true, HelpText = "The mountpoint or the session name.")]
    public string Target { get; set; } = "";

    [Option('y', "yes", HelpText = "Do not ask for confirmation (required when standard input is not a terminal).")]
    public bool Yes { get; set; }

    [Option("no-remount", HelpText = "Leave a mounted session detached after discarding instead of mounting it again.")]
    public bool NoRemount { get; set; }

    /// <summary>Where the confirmation is read from; standard input unless a test sets it.</summary>
    internal TextReader? Input { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Reset ~/db to its last commit (or the base it was mounted from)", new DiscardVerb { Target = "~/db", Yes = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        using CatalogLock catalogLock = CatalogLock.Acquire(catalog.State, DaemonLauncher.DefaultTimeout);
        SessionView session = TargetResolver.Resolve(new Reconciler(catalog, error).ReconcileAll(), Target);
        SessionRecord record = session.Record;
        if (session.State == SessionState.Stale)
        {
            throw StaleMountError.For(session);
        }
        if (session.State == SessionState.Transitioning)
        {
            throw new CliError(ExitCode.Conflict, $"session {record.Name} is starting or finishing a lazy unmount (daemon {record.DaemonPid}); try again later");
        }
        long deltaBytes = Directory.Exists(record.DeltaDirectory) ? CowFileSystem.MeasureDeltaBytes(record.DeltaDirectory) : 0;
        if (!Yes && !Confirm(error, $"discard {ByteSize.Format(deltaBytes)} of changes in session {record.Name}? [y/N] "))
        {
            throw new CliError(ExitCode.Usage, "nothing discarded (confirm with --yes)");
        }

        bool wasMounted = session.State == SessionState.Mounted;
        string? mountPoint = record.Mountpoint;
        if (wasMounted)
        {
            SessionUnmounter.Unmount(catalog, session, lazy: false,
                "stop the program using it first (its open files would keep the discarded data alive), then discard again");
        }
        // An ephemeral session ended with its mount; a persistent one still has its delta to empty.
        SessionRecord? current = catalog.TryLoad(record.Name);
        if (current is not null)
        {
            catalog.ResetDelta(current);
            // The empty delta now lies over the last commit: that is what the view shows from here on.
            current = current with { Snapshot = current.Parent, Head = null };
            catalog.Save(current);
        }

        if (!wasMounted || NoRemount)
        {
            string left = current is null ? "the ephemeral session is gone" : $"session {record.Name} is detached and empty";
            output.WriteLine($"discarded {ByteSize.Format(deltaBytes)} of changes; {left}");
            return ExitCode.Success;
        }
        SessionRecord fresh = (current ?? record).AsDetached() with { Mountpoint = mountPoint };
        catalog.Save(fresh);
        DaemonLauncher.Start(catalog, fresh, DaemonLauncher.DefaultTimeout);
        output.WriteLine($"discarded {ByteSize.Format(deltaBytes)} of changes; {mountPoint} shows {(fresh.Snapshot is string snapshot ? $"snapshot {snapshot[..12]}" : "the pristine base")} again (session {fresh.Name})");
        return ExitCode.Success;
    }

    private bool Confirm(TextWriter error, string question)
    {
        TextReader? input = Input;
        if (input is null)
        {
            if (Console.IsInputRedirected)
            {
                throw new CliError(ExitCode.Usage, "discard deletes the session's changes: pass --yes to confirm");
            }
            input = Console.In;
        }
        error.Write(question);
        error.Flush();
        string? answer = input.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
