using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Run;
using Xunit;

namespace CowStore.IntegrationTests.Neo4j;

/// <summary>
/// Runs <c>scripts/cowstore-neo4j</c> over a copy of a real Neo4j fixture with the stand-in launcher
/// (<c>tests/fixtures/neo4j-standin/neo4j</c>, which says it is not Neo4j) installed as NEO4J_HOME/bin/neo4j,
/// in a <see cref="RunSandbox"/>.
/// The wrapper is found through env <c>COWSTORE_NEO4J_WRAPPER</c>, else in the checkout, else next to cowstore;
/// the stand-in through <c>COWSTORE_NEO4J_STANDIN</c>, else in the checkout.
/// </summary>
internal sealed class Neo4jWrapper : IDisposable
{
    public Neo4jWrapper(string fixture, string standInVersion, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        Sandbox = new RunSandbox($"neo4j-{test}");
        CopyTree(Neo4jFixtures.DataDirectory(fixture), Sandbox.Base);
        Sandbox.Sessions.SealBase();
        BaseDigest = TreeDigest.Of(Sandbox.Base);
        StateRoot = Path.Combine(Sandbox.Root, "neo4j-state");
        Sandbox.Environment["NEO4J_HOME"] = InstallStandIn(Path.Combine(Sandbox.Root, "neo4j-home"));
        Sandbox.Environment["NEO4J_STANDIN_VERSION"] = standInVersion;
        Sandbox.Environment["COWSTORE_NEO4J_STATE"] = StateRoot;
        Sandbox.Environment.Remove("NEO4J_CONF");
    }

    public RunSandbox Sandbox { get; }

    public string BaseDigest { get; }

    /// <summary>Where the wrapper makes its per-run state directories.</summary>
    public string StateRoot { get; }

    public static string Script => Locate("COWSTORE_NEO4J_WRAPPER", Path.Combine("scripts", "cowstore-neo4j"),
        Path.Combine(Path.GetDirectoryName(Sessions.CowstoreCommand.Executable)!, "cowstore-neo4j"));

    /// <summary>The stand-in's folder: the launcher script <c>neo4j</c> and a <c>conf/</c>.</summary>
    public static string StandIn => Locate("COWSTORE_NEO4J_STANDIN", Path.Combine("tests", "fixtures", "neo4j-standin"), null);

    /// <summary>The state directory of the last run <see cref="RunUntilStarted"/> made, else of the only run so far.</summary>
    public string StateDirectory => _lastState ?? Directory.EnumerateDirectories(StateRoot).Single();

    private string? _lastState;

    public Process Start(params string[] arguments) => Sandbox.Start(Script, arguments);

    /// <summary>Starts the wrapper, waits until the stand-in has started on the mount, sends SIGTERM and waits for the end.</summary>
    public Sessions.CommandResult RunUntilStarted(Action<string>? whileRunning, params string[] arguments)
    {
        HashSet<string> earlier = Directory.Exists(StateRoot) ? [.. Directory.EnumerateDirectories(StateRoot)] : [];
        Process wrapper = Start(arguments);
        DateTime deadline = DateTime.UtcNow + RunSandbox.Timeout;
        while ((_lastState = NewStateDirectory(earlier)) is null)
        {
            if (wrapper.HasExited)
            {
                Assert.Fail($"the wrapper exited with {wrapper.ExitCode} before making its state directory: {wrapper.StandardError.ReadToEnd()}");
            }
            Assert.True(DateTime.UtcNow < deadline, "no state directory appeared");
            Thread.Sleep(50);
        }
        string log = Path.Combine(_lastState, "logs", "neo4j.log");
        RunSandbox.WaitForFile(log, wrapper, text => text.Contains("Started.", StringComparison.Ordinal));
        whileRunning?.Invoke(StateDirectory);
        RunSandbox.Signal(wrapper, 15);
        return RunSandbox.Wait(wrapper);
    }

    private string? NewStateDirectory(HashSet<string> earlier) =>
        Directory.Exists(StateRoot) ? Directory.EnumerateDirectories(StateRoot).FirstOrDefault(d => !earlier.Contains(d)) : null;

    public void AssertBaseUntouched() => Assert.Equal(BaseDigest, TreeDigest.Of(Sandbox.Base));

    public void Dispose() => Sandbox.Dispose();

    /// <summary>A NEO4J_HOME laid out like a distribution: bin/neo4j (a symlink to the stand-in) and a copy of its conf/.</summary>
    private static string InstallStandIn(string home)
    {
        Directory.CreateDirectory(Path.Combine(home, "bin"));
        File.CreateSymbolicLink(Path.Combine(home, "bin", "neo4j"), Path.Combine(StandIn, "neo4j"));
        CopyTree(Path.Combine(StandIn, "conf"), Path.Combine(home, "conf"));
        return home;
    }

    private static string Locate(string variable, string inCheckout, string? fallback)
    {
        string? configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        string? root = TestBinaries.RepositoryRoot();
        if (root is not null && Path.Exists(Path.Combine(root, inCheckout)))
        {
            return Path.Combine(root, inCheckout);
        }
        if (fallback is not null && Path.Exists(fallback))
        {
            return fallback;
        }
        throw new InvalidOperationException($"{inCheckout} not found (set {variable})");
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
