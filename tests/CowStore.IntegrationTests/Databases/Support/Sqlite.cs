using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>The sqlite3 command-line shell, run as the engine user; every process is one connection.</summary>
internal sealed class Sqlite(EngineUser user, string databaseFile)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    public string DatabaseFile => databaseFile;

    /// <summary>Runs SQL in a new connection that waits up to 30 s for locks; fails the test on any error.</summary>
    public string Execute(string sql) =>
        user.RunChecked("sqlite3", ["-batch", "-bail", "-cmd", ".timeout 30000", databaseFile, sql], s_timeout).Stdout.Trim();

    public long Long(string sql) => long.Parse(Execute(sql));

    /// <summary>Runs a script file (<c>.read</c>) in a new connection.</summary>
    public void ExecuteScript(string scriptFile) => Execute($".read {scriptFile}");

    /// <summary>Starts a connection that runs a script file in the background.</summary>
    public BackgroundProcess StartScript(string scriptFile) =>
        BackgroundProcess.Start(user, "sqlite3", ["-batch", "-bail", "-cmd", ".timeout 30000", databaseFile, $".read {scriptFile}"]);

    /// <summary>A connection that runs what is written to its stdin and stays open until stdin closes.</summary>
    public BackgroundProcess StartShell() =>
        BackgroundProcess.Start(user, "sqlite3", ["-batch", "-bail", "-cmd", ".timeout 30000", databaseFile]);

    public ProcessResult TryExecute(string sql) =>
        user.Run("sqlite3", ["-batch", "-bail", "-cmd", ".timeout 30000", databaseFile, sql], s_timeout);
}
