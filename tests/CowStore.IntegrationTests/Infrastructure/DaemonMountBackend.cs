using System.Diagnostics;
using System.Text;
using CowStore.IntegrationTests.Infrastructure.Interop;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// A FUSE mount served by a separate <c>cowstore</c> process (never by the test process: mmap of a
/// mount served by ourselves can deadlock the GC). Subclasses say which verb to run; this class
/// seeds the data source, starts the daemon, waits for its "mounted" line, and in Dispose stops it
/// with SIGTERM, then falls back to <c>fusermount3 -u -z</c> and <c>umount -l</c>.
/// A copy-on-write backend plugs in here: seed its base in <see cref="PrepareSource"/> and return
/// <c>mount ...</c> arguments from <see cref="DaemonArguments"/>.
/// </summary>
public abstract class DaemonMountBackend : FilesystemBackend
{
    private static readonly TimeSpan s_mountTimeout = TimeSpan.FromSeconds(30);

    private readonly string _workDirectory;
    private readonly string _mountPoint;
    private readonly string _source;
    private Process? _daemon;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<bool> _mounted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reported;

    protected DaemonMountBackend(string name, IEnumerable<string> testNames)
    {
        _workDirectory = TestDirectory.Create(name);
        // Other users (permission tests) must be able to reach the mount point.
        Sys.Chmod(_workDirectory, 0x1ED);
        _mountPoint = Path.Combine(_workDirectory, "mnt");
        Directory.CreateDirectory(_mountPoint);
        _source = Path.Combine(_workDirectory, "source");
        Directory.CreateDirectory(_source);
        Seed(_source, testNames);
        CommandLine = "";
    }

    /// <summary>Starts the daemon and waits until the mount is live; the most derived constructor
    /// calls it once its own fields (which <see cref="DaemonArguments"/> reads) are set.</summary>
    protected void Start()
    {
        try
        {
            StartDaemon();
        }
        catch
        {
            // xunit never disposes a fixture whose constructor threw: clean up here.
            Dispose(true);
            throw;
        }
    }

    private void StartDaemon()
    {
        PrepareSource(_source, _workDirectory);
        (string fileName, string[] prefix) = TestBinaries.Cowstore();
        ProcessStartInfo info = ProcessRunner.StartInfo(fileName, prefix.Concat(DaemonArguments(_source, _mountPoint, _workDirectory)));
        ConfigureEnvironment(info.Environment, _workDirectory);
        CommandLine = ProcessRunner.CommandLine(info);
        Process daemon = Process.Start(info) ?? throw new InvalidOperationException($"could not start {CommandLine}");
        _daemon = daemon;
        daemon.StandardInput.Close();
        daemon.OutputDataReceived += OnOutput;
        daemon.ErrorDataReceived += (_, e) => Append("stderr", e.Data);
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        daemon.EnableRaisingEvents = true;
        daemon.Exited += (_, _) => _mounted.TrySetResult(false);

        bool live = _mounted.Task.Wait(s_mountTimeout) && _mounted.Task.Result;
        if (!live || !MountInfo.IsMounted(_mountPoint))
        {
            string why = !_mounted.Task.IsCompleted ? $"no 'mounted' line within {s_mountTimeout.TotalSeconds}s"
                : daemon.HasExited ? $"daemon exited with {daemon.ExitCode}" : "mount point is not in /proc/self/mountinfo";
            throw new InvalidOperationException($"{CommandLine}: {why}\n{Output}");
        }
    }

    public string CommandLine { get; private set; }

    public override string Root => _mountPoint;

    /// <summary>The per-backend folder holding the source (base), the mount point and any daemon state.</summary>
    public string WorkDirectory => _workDirectory;

    public override bool IsFuse => true;

    /// <summary>Everything the daemon printed so far.</summary>
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

    /// <summary>Arguments after the cowstore executable, e.g. <c>loopback &lt;source&gt; &lt;mnt&gt;</c>.</summary>
    protected abstract IEnumerable<string> DaemonArguments(string source, string mountPoint, string workDirectory);

    /// <summary>Environment of the daemon (e.g. a private COWSTORE_HOME under the work directory).</summary>
    protected virtual void ConfigureEnvironment(IDictionary<string, string?> environment, string workDirectory)
    {
    }

    /// <summary>Last chance to shape the seeded source before the daemon starts.</summary>
    protected virtual void PrepareSource(string source, string workDirectory)
    {
    }

    /// <summary>Unprivileged runs mount through fusermount3; root runs are told to as well when asked.</summary>
    protected static bool RunningAsRoot => Sys.IsRoot;

    public override void CheckHealth()
    {
        if (_daemon is null || _daemon.HasExited)
        {
            throw new Xunit.Sdk.XunitException($"{Name} daemon is not running (exit {(_daemon?.HasExited == true ? _daemon.ExitCode : -1)}): {CommandLine}\n{Output}");
        }
    }

    public override string TakeDiagnostics()
    {
        lock (_output)
        {
            string all = _output.ToString();
            string fresh = all[Math.Min(_reported, all.Length)..];
            _reported = all.Length;
            return fresh;
        }
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        Append("stdout", e.Data);
        if (e.Data is not null && e.Data.StartsWith("mounted ", StringComparison.Ordinal))
        {
            _mounted.TrySetResult(true);
        }
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Append(stream).Append(": ").AppendLine(line);
        }
    }

    private void Stop()
    {
        if (_daemon is not null && !_daemon.HasExited)
        {
            _ = Libc.Kill(_daemon.Id, Libc.SIGTERM);
            if (!_daemon.WaitForExit(10_000))
            {
                _daemon.Kill();
                _daemon.WaitForExit();
            }
        }
        if (MountInfo.IsMounted(_mountPoint))
        {
            ProcessRunner.Run("fusermount3", ["-u", "-z", _mountPoint]);
        }
        if (MountInfo.IsMounted(_mountPoint))
        {
            ProcessRunner.Run("umount", ["-l", _mountPoint]);
        }
    }

    protected override void Dispose(bool disposing)
    {
        Stop();
        _daemon?.Dispose();
        if (!MountInfo.IsMounted(_mountPoint))
        {
            TestDirectory.DeleteQuietly(_workDirectory);
        }
    }
}
