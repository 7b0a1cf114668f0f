using System.Text.Json;
using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Core.Cow;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("status", HelpText =
    "List every session: name, state (mounted, detached, transitioning, stale; * marks ephemeral), size of its changes, daemon pid, "
    + "base and mountpoint. Checks the catalog against live daemons and mounts first and cleans up what a crashed "
    + "daemon left behind (a stale mount), noting it on standard error.")]
public sealed class StatusVerb : IVerb
{
    [Option("json", HelpText = "Print a JSON array (name, base, mountpoint, state, pid, deltaBytes, ephemeral, ...).")]
    public bool Json { get; set; }

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
        if (Json)
        {
            output.WriteLine(JsonSerializer.Serialize(statuses, StatusJsonContext.Default.ListSessionStatus));
            return ExitCode.Success;
        }
        if (statuses.Count == 0)
        {
            output.WriteLine($"no sessions in {catalog.State.Root}");
            return ExitCode.Success;
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
        return ExitCode.Success;
    }

    private static SessionStatus Describe(SessionView view)
    {
        SessionRecord record = view.Record;
        return new SessionStatus
        {
            Name = record.Name,
            Base = record.Base,
            Mountpoint = record.Mountpoint,
            State = view.State.ToString().ToLowerInvariant(),
            Pid = view.State is SessionState.Mounted or SessionState.Transitioning ? record.DaemonPid : null,
            DeltaBytes = Directory.Exists(record.DeltaDirectory) ? CowFileSystem.MeasureDeltaBytes(record.DeltaDirectory) : 0,
            Ephemeral = record.Ephemeral,
            DeltaDirectory = record.DeltaDirectory,
            CreatedAt = record.CreatedAt,
        };
    }
}
