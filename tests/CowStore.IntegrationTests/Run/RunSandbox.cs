using System.Diagnostics;
using System.Runtime.CompilerServices;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Run;

/// <summary>
/// A <see cref="SessionSandbox"/> for <c>cowstore run</c> and the Neo4j wrapper: programs started with the
/// sandbox's state home and a TMPDIR inside the sandbox (so the private mountpoints of <c>cowstore run</c>
/// are cleaned up with it), signals sent by pid, and "no mount left" checks.
/// </summary>
internal sealed class RunSandbox : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public RunSandbox([CallerMemberName] string testName = "")
    {
        Sessions = new SessionSandbox(testName);
        Temp = Path.Combine(Sessions.Root, "tmp");
        Directory.CreateDirectory(Temp);
    }

    public SessionSandbox Sessions { get; }

    public string Root => Sessions.Root;

    public string Base => Sessions.Base;

    /// <summary>TMPDIR of every program started here.</summary>
    public string Temp { get; }

    /// <summary>Extra environment for the next programs (e.g. NEO4J_HOME).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>Starts <paramref name="fileName"/> (cowstore or the wrapper) with the sandbox environment; stdin is closed.</summary>
    public Process Start(string fileName, params string[] arguments)
    {
        ProcessStartInfo start = ProcessRunner.StartInfo(fileName, arguments);
        start.Environment["COWSTORE_HOME"] = Sessions.Home;
        start.Environment["COWSTORE_BIN"] = CowstoreCommand.Executable;
        start.Environment["TMPDIR"] = Temp;
        foreach ((string key, string value) in Environment)
        {
            start.Environment[key] = value;
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {fileName}");
        process.StandardInput.Close();
        return process;
    }

    /// <summary><c>cowstore run ARGS</c> to the end.</summary>
    public CommandResult CowstoreRun(params string[] arguments) => Wait(Start(CowstoreCommand.Executable, ["run", .. arguments]));

    /// <summary>Reads a started program's output to the end and waits for it; kills it on timeout.</summary>
    public static CommandResult Wait(Process process)
    {
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{process.StartInfo.FileName} did not finish within {Timeout}");
            }
            Assert.True(Task.WaitAll([output, error], TimeSpan.FromSeconds(20)), "something still holds the program's stdout/stderr");
            return new CommandResult(process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Waits until <paramref name="path"/> exists (the command under test is ready), failing if the process ended first.</summary>
    public static void WaitForFile(string path, Process process, Func<string, bool>? content = null)
    {
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (!(File.Exists(path) && (content is null || content(File.ReadAllText(path)))))
        {
            if (process.HasExited)
            {
                Assert.Fail($"{process.StartInfo.FileName} exited with {process.ExitCode} before {path} appeared: {process.StandardError.ReadToEnd()}");
            }
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not appear within {Timeout}");
            Thread.Sleep(50);
        }
    }

    public static void Signal(Process process, int signal) =>
        Assert.True(Libc.Kill(process.Id, signal) == 0, $"kill({process.Id}, {signal}) failed: errno {Libc.Errno}");

    /// <summary>Asserts nothing is mounted anywhere under the sandbox (the private mountpoints live in its TMPDIR).</summary>
    public void AssertNoMountLeft()
    {
        List<string> left = MountInfo.MountPoints().Where(m => m.StartsWith(Root + "/", StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, $"mounts left behind: {string.Join(", ", left)}");
    }

    /// <summary>Names of the sessions <c>cowstore status</c> lists.</summary>
    public List<string> SessionNames() => Sessions.Status().Select(s => s.GetProperty("name").GetString()!).ToList();

    public void Dispose() => Sessions.Dispose();
}
