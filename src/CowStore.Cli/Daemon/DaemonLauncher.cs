using System.Diagnostics;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Daemon;

/// <summary>
/// Starts <c>cowstore daemon --session NAME</c> as a detached process and returns once its mount is live:
/// the daemon records its pid in session.json after the kernel answered INIT, and the mount table shows it.
/// </summary>
internal static class DaemonLauncher
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private const int LogLinesInErrors = 5;

    /// <summary>Starts the daemon for the session <paramref name="record"/> describes; returns its pid.</summary>
    public static int Start(SessionCatalog catalog, SessionRecord record, TimeSpan timeout)
    {
        string logPath = catalog.State.DaemonLog(record.Name);
        long logStart = File.Exists(logPath) ? new FileInfo(logPath).Length : 0;
        using Process process = Process.Start(SelfCommand(catalog.State, record.Name))
            ?? throw new CliError(ExitCode.Failure, "cannot start the cowstore daemon");
        process.StandardInput.Close();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.WaitForExit(20))
            {
                throw DaemonFailed(record.Name, process.ExitCode, ReadLogTail(logPath, logStart));
            }
            if (IsLive(catalog, record, process.Id))
            {
                return process.Id;
            }
            if (DateTime.UtcNow >= deadline)
            {
                process.Kill();
                throw new CliError(ExitCode.Failure,
                    $"session {record.Name} did not mount within {timeout.TotalSeconds:0} s; {logPath} ends with: {OneLine(ReadLogTail(logPath, logStart))}");
            }
        }
    }

    private static bool IsLive(SessionCatalog catalog, SessionRecord record, int pid)
    {
        SessionRecord? current;
        try
        {
            current = catalog.TryLoad(record.Name);
        }
        catch (InvalidDataException)
        {
            return false;
        }
        return current?.DaemonPid == pid && MountTable.Read().FindAt(record.Mountpoint!) is { IsFuse: true };
    }

    /// <summary>This program again: the apphost, or <c>dotnet cowstore.dll</c> when run through the muxer.</summary>
    internal static ProcessStartInfo SelfCommand(StateDirectory state, string sessionName)
    {
        string processPath = Environment.ProcessPath ?? throw new CliError(ExitCode.Failure, "cannot find the cowstore executable");
        // Never hand the daemon our stdio: a caller reading our output to its end would wait for the daemon
        // too. The pipes die with us; the daemon moves its stdio to daemon.log before writing anything.
        var start = new ProcessStartInfo(processPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(DaemonLauncher).Assembly.Location);
        }
        start.ArgumentList.Add(Verbs.DaemonVerb.Name);
        start.ArgumentList.Add("--session");
        start.ArgumentList.Add(sessionName);
        // The daemon must find the same catalog even if the environment would resolve another one.
        start.Environment["COWSTORE_HOME"] = state.Root;
        return start;
    }

    private static CliError DaemonFailed(string name, int exitCode, IReadOnlyList<string> logTail)
    {
        ExitCode code = Enum.IsDefined(typeof(ExitCode), exitCode) && exitCode != 0 ? (ExitCode)exitCode : ExitCode.Failure;
        // The daemon writes its error as one "cowstore: ..." line; show that rather than the whole log.
        string? error = logTail.LastOrDefault(line => line.StartsWith("cowstore: ", StringComparison.Ordinal));
        return error is not null
            ? new CliError(code, error["cowstore: ".Length..])
            : new CliError(code, $"the daemon of session {name} exited with code {exitCode}; its log ends with: {OneLine(logTail)}");
    }

    private static List<string> ReadLogTail(string logPath, long from)
    {
        try
        {
            using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.TakeLast(LogLinesInErrors).ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static string OneLine(IReadOnlyList<string> lines) => lines.Count == 0 ? "(nothing)" : string.Join(" | ", lines);
}
