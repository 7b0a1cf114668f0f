using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Projects;

/// <summary>
/// A <see cref="SessionSandbox"/> (private state home, cleanup of daemons and mounts) with a project directory
/// holding a cowstore.json over two sealed bases: <c>graph</c> (persistent) and <c>scratch</c> (ephemeral).
/// </summary>
internal sealed class ProjectSandbox : IDisposable
{
    private readonly SessionSandbox _sessions;

    public ProjectSandbox([CallerMemberName] string testName = "")
    {
        _sessions = new SessionSandbox(testName);
        Project = Path.Combine(_sessions.Root, "project");
        Directory.CreateDirectory(Project);
        GraphBase = _sessions.Base;
        File.WriteAllText(Path.Combine(GraphBase, "graph.txt"), "graph base");
        ScratchBase = Path.Combine(_sessions.Root, "scratch-base");
        Directory.CreateDirectory(ScratchBase);
        File.WriteAllText(Path.Combine(ScratchBase, "scratch.txt"), "scratch base");
        _sessions.SealBase();
        SessionSandbox.Shell("chmod", "-R", "a-w", ScratchBase);
        WriteProject(GraphBase);
    }

    public SessionSandbox Sessions => _sessions;

    public string Project { get; }

    public string GraphBase { get; }

    public string ScratchBase { get; }

    public string GraphMount => Path.Combine(Project, "db", "graph");

    public string ScratchMount => Path.Combine(Project, "db", "scratch");

    /// <summary>Writes cowstore.json: graph (persistent) over <paramref name="graphBase"/>, scratch (ephemeral, a relative base).</summary>
    public void WriteProject(string graphBase, string graphMountpoint = "db/graph")
    {
        string relativeScratch = Path.GetRelativePath(Project, ScratchBase);
        File.WriteAllText(Path.Combine(Project, "cowstore.json"), $$"""
            {
              "formatVersion": 1,
              "databases": {
                "graph": { "base": "{{graphBase}}", "mountpoint": "{{graphMountpoint}}", "mode": "persistent" },
                "scratch": { "base": "{{relativeScratch}}", "mountpoint": "db/scratch", "mode": "ephemeral" }
              }
            }
            """);
    }

    /// <summary>Runs cowstore with <c>--project</c> appended (the verbs up, down and status take it).</summary>
    public CommandResult Run(params string[] arguments) => _sessions.Cowstore([.. arguments, "--project", Project]);

    public CommandResult RunOk(params string[] arguments)
    {
        CommandResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"cowstore {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary>The output line <c>cowstore up</c>/<c>down</c> printed for <paramref name="database"/>.</summary>
    public static string LineOf(CommandResult result, string database) =>
        result.Output.Split('\n').SingleOrDefault(l => l.StartsWith(database + ": ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no line for {database} in: {result}");

    /// <summary><c>status --json --project</c>: the databases, by name.</summary>
    public Dictionary<string, JsonElement> Databases()
    {
        using JsonDocument document = JsonDocument.Parse(RunOk("status", "--json").Output);
        return document.RootElement.GetProperty("databases").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.Clone());
    }

    public static void WriteDurably(string path, string content)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(System.Text.Encoding.UTF8.GetBytes(content));
        file.Flush(flushToDisk: true);
    }

    public static void KillNine(int pid)
    {
        using Process daemon = Process.GetProcessById(pid);
        daemon.Kill();
        Assert.True(daemon.WaitForExit(10_000), $"daemon {pid} survived SIGKILL");
    }

    public void Dispose() => _sessions.Dispose();
}
