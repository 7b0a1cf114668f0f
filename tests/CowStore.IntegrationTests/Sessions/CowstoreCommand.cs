using System.Collections.ObjectModel;
using System.Diagnostics;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>What one run of the <c>cowstore</c> binary printed and returned.</summary>
internal sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of standard output (mount prints the session name there).</summary>
    public string LastLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}

/// <summary>Runs the real <c>cowstore</c> executable (env COWSTORE_BIN, else the apphost next to the tests).</summary>
internal static class CowstoreCommand
{
    public static string Executable
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("COWSTORE_BIN");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }
            string local = Path.Combine(AppContext.BaseDirectory, "cowstore");
            return File.Exists(local) ? local : throw new FileNotFoundException("cowstore binary not found; set COWSTORE_BIN", local);
        }
    }

    public static CommandResult Run(string home, params string[] arguments) => Run(home, TimeSpan.FromSeconds(90), arguments);

    public static CommandResult Run(string home, TimeSpan timeout, params string[] arguments) => Run(home, timeout, null, arguments);

    /// <summary>Runs cowstore with <paramref name="environment"/> added to its environment (a daemon it starts inherits it).</summary>
    public static CommandResult Run(string home, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        using Process process = Start(home, environment, arguments);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cowstore {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        // Reading to the end proves the command did not leave its daemon holding our pipes.
        if (!Task.WaitAll([output, error], TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"cowstore {string.Join(' ', arguments)} exited but something still holds its stdout/stderr");
        }
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }

    public static Process Start(string home, params string[] arguments) => Start(home, null, arguments);

    private static Process Start(string home, IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        ProcessStartInfo start = Infrastructure.ProcessRunner.StartInfo(Executable, arguments);
        start.Environment["COWSTORE_HOME"] = home;
        foreach ((string name, string value) in environment ?? ReadOnlyDictionary<string, string>.Empty)
        {
            start.Environment[name] = value;
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start cowstore");
        process.StandardInput.Close();
        return process;
    }
}
