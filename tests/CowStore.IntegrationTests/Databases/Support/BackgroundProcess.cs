using System.Diagnostics;
using System.Text;
using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// A process that runs while the test does other things (a writer, a load generator, a JVM holding
/// a database open). Its output is collected as it comes; stdin stays open until
/// <see cref="CloseInput"/>; Dispose kills it and its descendants if it is still running.
/// </summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BackgroundProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public static BackgroundProcess Start(EngineUser user, string program, IEnumerable<string> arguments)
    {
        (string fileName, List<string> args) = user.Command(program, arguments);
        ProcessStartInfo info = ProcessRunner.StartInfo(fileName, args);
        string commandLine = ProcessRunner.CommandLine(info);
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {commandLine}");
        var background = new BackgroundProcess(process, commandLine);
        process.OutputDataReceived += (_, e) => background.Append(e.Data);
        process.ErrorDataReceived += (_, e) => background.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits until the output contains <paramref name="text"/>; false if the process exits or time runs out first.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drain the output handlers
                return Output.Contains(text, StringComparison.Ordinal);
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Waits for the exit and returns the exit code; fails the test on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"`{CommandLine}` still runs after {timeout.TotalSeconds} s; output so far:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public override string ToString() => $"`{CommandLine}`\n{Output}";

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
    }
}
