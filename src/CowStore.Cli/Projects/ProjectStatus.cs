using System.Text.Json.Serialization;
using CowStore.Cli.Output;
using CowStore.Store.Projects;

namespace CowStore.Cli.Projects;

/// <summary>One database of a project in <c>cowstore status</c>: desired next to actual, and what <c>up</c> would do.</summary>
internal sealed record ProjectDatabaseStatus
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("base")]
    public required string Base { get; init; }

    [JsonPropertyName("mode")]
    public required string Mode { get; init; }

    [JsonPropertyName("mountpoint")]
    public required string Mountpoint { get; init; }

    [JsonPropertyName("session")]
    public required string Session { get; init; }

    /// <summary><c>mounted</c>, <c>detached</c>, <c>absent</c>, <c>mounted elsewhere</c>, <c>blocked</c>, <c>drift</c>, <c>stale</c>, <c>transitioning</c>.</summary>
    [JsonPropertyName("actual")]
    public required string Actual { get; init; }

    /// <summary><c>none</c>, <c>mount</c>, <c>resume</c>, <c>move</c>, <c>replace</c> or <c>refuse</c>.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    [JsonPropertyName("inSync")]
    public bool InSync { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary><c>cowstore status --json --project DIR</c>.</summary>
internal sealed record ProjectStatus
{
    [JsonPropertyName("project")]
    public required string Project { get; init; }

    [JsonPropertyName("databases")]
    public required List<ProjectDatabaseStatus> Databases { get; init; }

    /// <summary>Sessions of the project that cowstore.json no longer names.</summary>
    [JsonPropertyName("unlistedSessions")]
    public required List<string> UnlistedSessions { get; init; }

    [JsonPropertyName("sessions")]
    public required List<SessionStatus> Sessions { get; init; }

    public static ProjectStatus Describe(ProjectState state, List<SessionStatus> sessions) => new()
    {
        Project = state.Project.Root,
        Databases = state.Databases.Select(a => new ProjectDatabaseStatus
        {
            Name = a.Database.Name,
            Base = a.Database.Base,
            Mode = a.Database.Ephemeral ? "ephemeral" : "persistent",
            Mountpoint = a.Database.Mountpoint,
            Session = a.Database.SessionName,
            Actual = a.Actual,
            Action = a.Action.ToString().ToLowerInvariant(),
            InSync = a.InSync,
            Message = a.Message,
        }).ToList(),
        UnlistedSessions = state.Orphans.Select(o => o.Name).ToList(),
        Sessions = sessions,
    };

    /// <summary>The human table: one line per database, then drift messages in full.</summary>
    public static void WriteTable(TextWriter output, ProjectState state)
    {
        output.WriteLine($"project {state.Project.Root} ({Store.Projects.Project.FileName}):");
        var table = new List<string[]> { new[] { "DATABASE", "MODE", "ACTUAL", "MOUNTPOINT", "UP WOULD" } };
        foreach (DatabaseAssessment a in state.Databases)
        {
            string would = a.Action switch
            {
                PlannedAction.None => "nothing (in sync)",
                PlannedAction.Refuse => "refuse (see below)",
                _ => a.Message,
            };
            table.Add([a.Database.Name, a.Database.Ephemeral ? "ephemeral" : "persistent", a.Actual, a.Database.RelativeMountpoint, would]);
        }
        int[] widths = Enumerable.Range(0, 4).Select(c => table.Max(row => row[c].Length)).ToArray();
        foreach (string[] row in table)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)));
        }
        foreach (DatabaseAssessment a in state.Databases.Where(a => a.Action == PlannedAction.Refuse))
        {
            output.WriteLine($"{a.Database.Name}: {a.Message}");
        }
        foreach (var orphan in state.Orphans)
        {
            output.WriteLine($"session {orphan.Name} belongs to this project but {Store.Projects.Project.FileName} no longer names its database ({orphan.State.ToString().ToLowerInvariant()})");
        }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ProjectStatus))]
internal sealed partial class ProjectStatusJsonContext : JsonSerializerContext;
