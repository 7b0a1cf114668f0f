using System.Text.Json;
using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Projects;
using CowStore.Core.Cow;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("status", HelpText =
    "List every session: name, state (mounted, detached, transitioning, stale; * marks ephemeral), size of its changes, daemon pid, "
    + "base and mountpoint. Checks the catalog against live daemons and mounts first and cleans up what a crashed "
    + "daemon left behind (a stale mount), noting it on standard error. In a project directory (a cowstore.json in the current "
    + "directory, or --project DIR) it then lists each database of the file: desired mode and mountpoint, actual state, and what "
    + "cowstore up would do.")]
public sealed class StatusVerb : IVerb
{
    [Option("json", HelpText = "Print a JSON array (name, base, mountpoint, state, pid, deltaBytes, ephemeral, ...).")]
    public bool Json { get; set; }

    [Option("project", MetaValue = "DIR", HelpText = "Also compare the databases of DIR/cowstore.json with the actual state. "
        + "Without it the current directory's cowstore.json is used if there is one (with --json only when --project is given: "
        + "the output is then an object { project, databases, sessions } instead of the sessions array).")]
    public string? ProjectDirectory { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Show all sessions", new StatusVerb()),
        new("For scripts", new StatusVerb { Json = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        IReadOnlyList<SessionView> sessions;
        using (CatalogLock.Acquire(catalog.State, Daemon.DaemonLauncher.DefaultTimeout))
        {
            sessions = new Reconciler(catalog, error).ReconcileAll();
        }
        List<SessionStatus> statuses = sessions.Select(Describe).ToList();
        if (Json && ProjectDirectory is not null)
        {
            ProjectState project = ProjectState.From(ProjectLocator.Load(ProjectDirectory), sessions, catalog.State);
            output.WriteLine(JsonSerializer.Serialize(ProjectStatus.Describe(project, statuses), ProjectStatusJsonContext.Default.ProjectStatus));
            return ExitCode.Success;
        }
        if (Json)
        {
            output.WriteLine(JsonSerializer.Serialize(statuses, StatusJsonContext.Default.ListSessionStatus));
            return ExitCode.Success;
        }
        WriteSessions(output, catalog, statuses);
        ProjectState? desired = FindProject(sessions, catalog.State, error);
        if (desired is not null)
        {
            output.WriteLine();
            ProjectStatus.WriteTable(output, desired);
        }
        return ExitCode.Success;
    }

    /// <summary>The project to compare with: --project (errors are errors), else the current directory's (errors are warnings).</summary>
    private ProjectState? FindProject(IReadOnlyList<SessionView> sessions, StateDirectory state, TextWriter error)
    {
        if (ProjectDirectory is not null)
        {
            return ProjectState.From(ProjectLocator.Load(ProjectDirectory), sessions, state);
        }
        try
        {
            Store.Projects.Project? project = ProjectLocator.TryLoad(null);
            return project is null ? null : ProjectState.From(project, sessions, state);
        }
        catch (CliError e)
        {
            error.WriteLine($"cowstore: warning: {e.Message}");
            return null;
        }
    }

    private static void WriteSessions(TextWriter output, SessionCatalog catalog, List<SessionStatus> statuses)
    {
        if (statuses.Count == 0)
        {
            output.WriteLine($"no sessions in {catalog.State.Root}");
            return;
        }
        var table = new List<string[]> { new[] { "NAME", "STATE", "DELTA", "PID", "BASE", "MOUNTPOINT" } };
        table.AddRange(statuses.Select(s => new[]
        {
            s.Name,
            s.State + (s.Ephemeral ? "*" : ""),
            ByteSize.Format(s.DeltaBytes),
            s.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            s.Base,
            s.Mountpoint ?? "-",
        }));
        int[] widths = Enumerable.Range(0, 5).Select(c => table.Max(row => row[c].Length)).ToArray();
        foreach (string[] row in table)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)));
        }
    }

    internal static SessionStatus Describe(SessionView view)
    {
        SessionRecord record = view.Record;
        bool served = view.State is SessionState.Mounted or SessionState.Transitioning;
        return new SessionStatus
        {
            Name = record.Name,
            Base = record.Base,
            Snapshot = record.Snapshot,
            Head = record.Head,
            WritebackCache = record.WritebackCache,
            Mountpoint = record.Mountpoint,
            Transport = served ? record.Transport : null,
            State = view.State.ToString().ToLowerInvariant(),
            Pid = served ? record.DaemonPid : null,
            DeltaBytes = Directory.Exists(record.DeltaDirectory) ? CowFileSystem.MeasureDeltaBytes(record.DeltaDirectory) : 0,
            Ephemeral = record.Ephemeral,
            DeltaDirectory = record.DeltaDirectory,
            CreatedAt = record.CreatedAt,
        };
    }
}
