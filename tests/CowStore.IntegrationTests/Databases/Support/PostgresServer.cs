using System.Net;
using System.Net.Sockets;
using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// A PostgreSQL 15 server on one data directory, started with pg_ctl as the engine user:
/// TCP on 127.0.0.1 and a free port, its unix socket in a directory outside any mount, its log in
/// the workspace. pg_ctl makes the postmaster a session leader, so one SIGKILL to its process
/// group takes every backend with it (crash tests, and Dispose if a test failed half-way).
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string Superuser = "postgres";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    private readonly EngineUser _user;
    private int? _postmasterPid;

    public PostgresServer(EngineUser user, string dataDirectory, string logFile)
    {
        _user = user;
        DataDirectory = dataDirectory;
        LogFile = logFile;
        Port = FreeTcpPort();
        // Directly in /tmp: a socket path must stay under 108 bytes, which the test directories
        // (in the unprivileged tier below a staging directory) do not guarantee.
        SocketDirectory = Path.Combine("/tmp", $"cowstore-pg-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(SocketDirectory);
        user.Own(SocketDirectory);
    }

    public string DataDirectory { get; }

    public string SocketDirectory { get; }

    public string LogFile { get; }

    public int Port { get; }

    public bool IsRunning => _postmasterPid is int pid && ProcessTree.IsAlive(pid);

    public static string Tool(string name)
    {
        string path = Path.Combine(BinDirectory, name);
        return File.Exists(path)
            ? path
            : throw new Xunit.Sdk.XunitException($"{path} is missing: install postgresql 15 (make system)");
    }

    /// <summary>initdb with the superuser 'postgres' and trust authentication (the tests connect locally).</summary>
    public static void InitDb(EngineUser user, string dataDirectory) =>
        user.RunChecked(Tool("initdb"), ["-D", dataDirectory, "-U", Superuser, "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"], s_timeout);

    public void Start()
    {
        ProcessResult started = _user.Run(Tool("pg_ctl"),
        [
            "start", "-w", "-t", "120", "-D", DataDirectory, "-l", LogFile,
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {SocketDirectory}",
        ], s_timeout);
        if (started.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{started}\nserver log:\n{LogTail()}");
        }
        // Read now (once a mount under it dies it cannot be read any more) and as the engine user:
        // root has no access to a mount another user made without --allow-other.
        ProcessResult pidLine = _user.RunChecked("head", ["-n", "1", Path.Combine(DataDirectory, "postmaster.pid")]);
        _postmasterPid = int.Parse(pidLine.Stdout.Trim());
    }

    /// <summary>Fast shutdown: a clean checkpoint, everything flushed.</summary>
    public void Stop()
    {
        _user.RunChecked(Tool("pg_ctl"), ["stop", "-w", "-t", "120", "-m", "fast", "-D", DataDirectory], s_timeout);
        _postmasterPid = null;
    }

    /// <summary>SIGKILL to the postmaster and all its children, as a crash would.</summary>
    public void Kill()
    {
        if (_postmasterPid is int pid)
        {
            ProcessTree.KillGroup(pid, TimeSpan.FromSeconds(30));
            _postmasterPid = null;
        }
    }

    public ProcessResult TryPsql(string sql, TimeSpan? timeout = null) =>
        _user.Run(Tool("psql"), [.. ConnectionArguments, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], timeout ?? s_timeout);

    public ProcessResult Psql(string sql)
    {
        ProcessResult result = TryPsql(sql);
        return result.ExitCode == 0 ? result : throw new Xunit.Sdk.XunitException($"{result}\nserver log:\n{LogTail()}");
    }

    /// <summary>The single value a query returns.</summary>
    public string Scalar(string sql) => Psql(sql).Stdout.Trim();

    public long Long(string sql) => long.Parse(Scalar(sql));

    public ProcessResult Pgbench(params string[] arguments) =>
        _user.RunChecked(Tool("pgbench"), [.. ConnectionArguments, .. arguments, Superuser], s_timeout);

    /// <summary>pgbench as a background load (it dies with the server in crash tests).</summary>
    public BackgroundProcess StartPgbench(params string[] arguments) =>
        BackgroundProcess.Start(_user, Tool("pgbench"), [.. ConnectionArguments, .. arguments, Superuser]);

    /// <summary>
    /// pg_amcheck over every database (heap and B-tree checks, every heap tuple looked up in its
    /// indexes) must exit 0 and report nothing. --install-missing creates the amcheck extension
    /// where it is missing, so the check itself writes to the catalog.
    /// </summary>
    public void AssertAmcheckClean()
    {
        ProcessResult check = _user.Run(Tool("pg_amcheck"), [.. ConnectionArguments, "--all", "--install-missing", "--heapallindexed"], s_timeout);
        if (check.ExitCode != 0 || check.Stdout.Trim().Length != 0)
        {
            throw new Xunit.Sdk.XunitException($"pg_amcheck found problems:\n{check}\nserver log:\n{LogTail()}");
        }
    }

    public string LogTail(int lines = 40) =>
        File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)) : "(no log)";

    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private string[] ConnectionArguments => ["-h", SocketDirectory, "-p", Port.ToString(), "-U", Superuser];

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (IsRunning)
        {
            Kill();
        }
        TestDirectory.DeleteQuietly(SocketDirectory);
    }
}
