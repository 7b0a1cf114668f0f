using System.Text.Json;
using System.Text.RegularExpressions;
using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// The <c>cowstore</c> verbs the database tests use, run as <paramref name="user"/>. Output goes to files,
/// not pipes: a daemon that kept an inherited pipe open would make a reader wait for an end of file
/// that never comes (see <see cref="CowStoreDetachTests"/>, which checks for exactly that).
/// </summary>
internal sealed partial class CowStoreCli(EngineUser user, string scratchDirectory)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private int _runs;

    public EngineUser User => user;

    /// <summary>Mounts <paramref name="basePath"/> (resuming <paramref name="session"/> if given); returns the session name.</summary>
    public string Mount(string basePath, string mountPoint, string? session = null, bool allowOther = false)
    {
        List<string> args = ["mount", basePath, mountPoint];
        if (session is not null)
        {
            args.AddRange(["--session", session]);
        }
        if (allowOther)
        {
            args.Add("--allow-other");
        }
        ProcessResult result = Run(args);
        // The contract: the session name is the last line on stdout.
        string? name = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return !string.IsNullOrEmpty(name) ? name : throw new Xunit.Sdk.XunitException($"mount printed no session name\n{result}");
    }

    public void Umount(string mountPointOrSession) => Run(["umount", mountPointOrSession]);

    /// <summary><c>cowstore commit</c>: returns the new snapshot's id, the last line on stdout (52 characters).</summary>
    public string Commit(string mountPointOrSession, string message)
    {
        ProcessResult result = Run(["commit", mountPointOrSession, "-m", message]);
        string id = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return SnapshotId().IsMatch(id) ? id : throw new Xunit.Sdk.XunitException($"commit printed no snapshot id as its last line\n{result}");
    }

    public void Discard(string mountPointOrSession) => Run(["discard", mountPointOrSession, "--yes"]);

    public IReadOnlyList<SessionStatus> Status()
    {
        ProcessResult result = Run(["status", "--json"]);
        try
        {
            return JsonSerializer.Deserialize<List<SessionStatus>>(result.Stdout)
                ?? throw new Xunit.Sdk.XunitException($"status --json printed null\n{result}");
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"status --json is not a JSON array of sessions: {e.Message}\n{result}");
        }
    }

    public SessionStatus Status(string session) =>
        Status().FirstOrDefault(s => s.Name == session)
        ?? throw new Xunit.Sdk.XunitException($"session {session} is missing from status --json");

    /// <summary>The files the last <c>mount</c> had as its stdout and stderr.</summary>
    public (string Stdout, string Stderr) LastMountOutputFiles { get; private set; } = ("", "");

    private ProcessResult Run(IEnumerable<string> verbArguments)
    {
        (string fileName, string[] prefix) = TestBinaries.Cowstore();
        int run = Interlocked.Increment(ref _runs);
        string stdoutFile = Path.Combine(scratchDirectory, $"cowstore-{run}.stdout");
        string stderrFile = Path.Combine(scratchDirectory, $"cowstore-{run}.stderr");
        if (verbArguments.First() == "mount")
        {
            LastMountOutputFiles = (stdoutFile, stderrFile);
        }
        ProcessResult shell = user.Run("sh",
            ["-c", "out=$1 err=$2; shift 2; exec \"$@\" >\"$out\" 2>\"$err\" </dev/null", "sh", stdoutFile, stderrFile, fileName, .. prefix, .. verbArguments],
            s_timeout);
        var result = new ProcessResult(
            string.Join(' ', new[] { fileName }.Concat(prefix).Concat(verbArguments)), shell.ExitCode,
            File.Exists(stdoutFile) ? File.ReadAllText(stdoutFile) : "",
            (File.Exists(stderrFile) ? File.ReadAllText(stderrFile) : "") + shell.Stderr);
        return result.ExitCode == 0 ? result : throw new Xunit.Sdk.XunitException(result.ToString());
    }

    /// <summary>A snapshot id: 52 characters of base32 (SHA-256), lower case.</summary>
    [GeneratedRegex("^[0-9a-df-np-sv-z]{52}$")]
    private static partial Regex SnapshotId();
}
