using System.Diagnostics;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>Runs short-lived helper processes with a timeout and captured output.</summary>
internal static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan s_outputGrace = TimeSpan.FromSeconds(10);

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        return info;
    }

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ProcessStartInfo info = StartInfo(fileName, arguments);
        string commandLine = CommandLine(info);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {commandLine}");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeout ?? DefaultTimeout}; " +
                $"stdout so far: {stdout.Result} stderr: {stderr.Result}");
        }
        // A daemon the command started must not inherit its output: if one does, the pipes never
        // reach EOF, and this fails clearly instead of hanging the test run.
        if (!Task.WaitAll([stdout, stderr], s_outputGrace))
        {
            throw new TimeoutException($"`{commandLine}` exited {process.ExitCode}, but a process it started still holds its stdout/stderr open");
        }
        return new ProcessResult(commandLine, process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string CommandLine(ProcessStartInfo info) =>
        string.Join(' ', new[] { info.FileName }.Concat(info.ArgumentList.Select(a => a.Contains(' ') ? $"'{a}'" : a)));
}
