using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Run;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("run", HelpText =
    "Run one command on a writable view of a snapshot and clean up after it. Mounts the base (on a private "
    + "temporary directory unless --at), runs COMMAND with COWSTORE_MOUNT set to the mountpoint and COWSTORE_SESSION "
    + "to the session name, passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on to it, unmounts when it exits, then keeps "
    + "the session (default: its name is printed last), commits it (the new snapshot id is printed last) or discards "
    + "it (a session made by this run is removed once committed or discarded). The exit code is the command's (128+N if signal N killed it; 126/127 if it could not be started), or "
    + "cowstore's own when mounting, unmounting or committing failed. --commit only commits after the command exited 0 "
    + "or after it stopped because cowstore passed it a stop signal (a server stopped with Ctrl-C); otherwise the "
    + "session is kept. No mount is left behind, also when the command cannot be started or is killed.")]
public sealed class RunVerb : IVerb
{
    [Value(0, MetaName = "snapshot|path", Required = true, HelpText = "What to mount: a read-only directory such as /nix/store/<hash>-db, or a snapshot.")]
    public string Base { get; set; } = "";

    [Value(1, MetaName = "command", HelpText = "The command and its arguments, after --.")]
    public IEnumerable<string> Command { get; set; } = [];

    [Option("keep", HelpText = "Keep the session after the command (the default); its name is printed last.")]
    public bool Keep { get; set; }

    [Option("commit", HelpText = "Commit the session to a new snapshot after the command; the snapshot id is printed last.")]
    public bool Commit { get; set; }

    [Option("discard", HelpText = "Throw the session's changes away after the command.")]
    public bool Discard { get; set; }

    [Option("at", MetaValue = "DIR", HelpText = "Mount on this existing, empty directory instead of a private temporary one.")]
    public string? At { get; set; }

    [Option('m', "message", MetaValue = "MSG", HelpText = "Commit message (with --commit).")]
    public string? Message { get; set; }

    [Option("meta", MetaValue = "KEY=VALUE", HelpText = "Metadata to record in the snapshot (with --commit): one or more KEY=VALUE, before the next option or --.")]
    public IEnumerable<string> Meta { get; set; } = [];

    [Option("session", MetaValue = "NAME", HelpText = "Resume the detached session NAME (same base) or create it under that name.")]
    public string? Session { get; set; }

    [Option("allow-other", HelpText = "Let other users see the mount (combine with --at: the private temporary directory is owner-only).")]
    public bool AllowOther { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Look around in a scratch view and throw every change away",
            new RunVerb { Base = "/nix/store/<hash>-db", Discard = true, Command = ["--", "sh", "-c", "ls -l \"$COWSTORE_MOUNT\""] }),
        new("Load data and keep the result as a new snapshot (its id is the last line)",
            new RunVerb { Base = "/nix/store/<hash>-db", Commit = true, Message = "add indexes", Command = ["--", "./load.sh"] }),
        new("Mount at a fixed place and keep the session for later (its name is the last line)",
            new RunVerb { Base = "/nix/store/<hash>-pg", At = "~/pg", Command = ["--", "postgres", "-D", "~/pg"] }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        RunOutcome outcome = ChosenOutcome();
        List<string> command = Command.SkipWhile(a => a == "--").ToList();
        if (command.Count == 0)
        {
            throw new CliError(ExitCode.Usage, "no command given: cowstore run <snapshot|path> [--commit|--discard|--keep] -- COMMAND [ARGS...]");
        }
        List<string> meta = Meta.ToList();
        if (outcome != RunOutcome.Commit && (Message is not null || meta.Count > 0))
        {
            throw new CliError(ExitCode.Usage, "-m and --meta describe a commit: add --commit");
        }
        _ = CommitVerb.ParseMeta(meta); // a bad pair is a usage error before anything is mounted

        // Catch stop signals before mounting: from here on a Ctrl-C must end in an unmount, never in a dead process.
        using var signals = new SignalForwarder();
        using RunMountpoint mountPoint = At is null ? RunMountpoint.CreatePrivate() : RunMountpoint.At(At);
        bool createdByRun = Session is null || !SessionFinisher.Exists(Session);
        var mountOutput = new StringWriter();
        new MountVerb { Base = Base, Mountpoint = mountPoint.Path, Session = Session, AllowOther = AllowOther }.Run(mountOutput, error);
        string session = LastLine(mountOutput.ToString());

        int? exitCode = null;
        string? startError = null;
        bool unmounted;
        try
        {
            string mounted = ResolvedMountpoint(session, mountPoint.Path);
            error.WriteLine($"cowstore run: {Base} mounted at {mounted} (session {session})");
            error.Flush();
            exitCode = CommandRunner.Run(command, mounted, session, signals, out startError);
        }
        finally
        {
            unmounted = SessionFinisher.Unmount(session, error);
        }
        if (startError is not null)
        {
            error.WriteLine($"cowstore: {startError}");
        }
        bool ran = exitCode is not null && startError is null;
        int code = exitCode ?? 128 + signals.SignalBeforeStart;
        return Finish(outcome, session, createdByRun, ran, code, unmounted, signals.Forwarded, meta, output, error);
    }

    private ExitCode Finish(RunOutcome outcome, string session, bool createdByRun, bool ran, int code, bool unmounted,
        IReadOnlyCollection<int> forwardedSignals, List<string> meta, TextWriter output, TextWriter error)
    {
        if (!unmounted)
        {
            error.WriteLine($"cowstore run: processes left behind by the command still had files open after {SessionFinisher.BusyGrace.TotalSeconds:0} s; "
                + $"the mount was detached lazily and session {session} is kept (its daemon exits when they close their files)");
            output.WriteLine(session);
            return outcome == RunOutcome.Keep ? (ExitCode)code : ExitCode.Conflict;
        }
        if (!ran && createdByRun)
        {
            // Nothing ran, so nothing was written: a session made for this run has nothing worth keeping.
            SessionFinisher.Discard(session, createdByRun: true, error);
            error.WriteLine($"cowstore run: the command did not run; session {session} removed, nothing changed");
            return (ExitCode)code;
        }
        switch (outcome)
        {
            case RunOutcome.Discard:
                SessionFinisher.Discard(session, createdByRun, error);
                error.WriteLine($"cowstore run: changes of session {session} discarded");
                return (ExitCode)code;
            case RunOutcome.Commit when ran && (code == 0 || forwardedSignals.Any(s => code == 128 + s)):
                ExitCode committed;
                try
                {
                    committed = SessionCommitter.Commit(session, Message, meta, output, error);
                }
                catch (CliError e)
                {
                    throw new CliError(e.Code, $"{e.Message}; session {session} is kept, detached");
                }
                if (committed != ExitCode.Success)
                {
                    return committed;
                }
                if (createdByRun)
                {
                    // Everything the session held is in the snapshot now; a later run starts from the snapshot id.
                    SessionFinisher.Discard(session, createdByRun: true, error);
                    error.WriteLine($"cowstore run: session {session} committed and removed");
                }
                return (ExitCode)code;
            case RunOutcome.Commit:
                error.WriteLine($"cowstore run: not committing: the command {(ran ? $"exited with {code}" : "did not run")}; "
                    + $"session {session} is kept (cowstore commit {session} to commit it anyway, cowstore discard {session} to drop it)");
                output.WriteLine(session);
                return (ExitCode)code;
            default:
                error.WriteLine($"cowstore run: session {session} kept; resume with cowstore mount --session {session} {Base} <mountpoint>");
                output.WriteLine(session);
                return (ExitCode)code;
        }
    }

    private RunOutcome ChosenOutcome()
    {
        int chosen = (Keep ? 1 : 0) + (Commit ? 1 : 0) + (Discard ? 1 : 0);
        if (chosen > 1)
        {
            throw new CliError(ExitCode.Usage, "choose one of --keep, --commit and --discard");
        }
        return Commit ? RunOutcome.Commit : Discard ? RunOutcome.Discard : RunOutcome.Keep;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
        ?? throw new CliError(ExitCode.Failure, "mount printed no session name");

    /// <summary>The mountpoint as the session records it (absolute, symlinks resolved), for COWSTORE_MOUNT.</summary>
    private static string ResolvedMountpoint(string session, string fallback) =>
        new SessionCatalog(StateDirectory.FromEnvironment()).TryLoad(session)?.Mountpoint ?? fallback;
}
