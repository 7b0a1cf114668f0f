using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// An account that runs programs for a test, with the environment they get (HOME and
/// COWSTORE_HOME inside the test's workspace). PostgreSQL refuses to run as root, so in the root
/// tier it runs as <c>cowstore-test</c> (setpriv: it execs, so every pid we record is the real
/// process, not a wrapper); in the unprivileged tier the test process already is that user and
/// nothing is switched. cowstore itself always runs as the test process (see <see cref="EngineWorkspace"/>).
/// </summary>
internal sealed class EngineUser
{
    private readonly TestUser? _switchTo;
    private readonly Dictionary<string, string> _environment;

    private EngineUser(TestUser? switchTo, Dictionary<string, string> environment)
    {
        _switchTo = switchTo;
        _environment = environment;
    }

    /// <summary>cowstore-test when we are root (fails loudly if the account is missing), else ourselves.</summary>
    public static EngineUser Unprivileged(IReadOnlyDictionary<string, string> environment) =>
        new(Sys.IsRoot ? TestUser.Owner : null, new Dictionary<string, string>(environment));

    /// <summary>Whoever runs the tests (root in the root tier: cowstore then mounts through mount(2)).</summary>
    public static EngineUser Current(IReadOnlyDictionary<string, string> environment) =>
        new(null, new Dictionary<string, string>(environment));

    /// <summary>True when programs run as another account than the test process.</summary>
    public bool IsOtherUser => _switchTo is not null;

    public string Description => _switchTo is null ? $"the test user (uid {Sys.EUid})" : $"{_switchTo.Name} (uid {_switchTo.Uid}, via setpriv)";

    /// <summary>File name and arguments that run <paramref name="program"/> as this user with its environment.</summary>
    public (string FileName, List<string> Arguments) Command(string program, IEnumerable<string> arguments)
    {
        var args = new List<string>();
        if (_switchTo is not null)
        {
            args.AddRange(_switchTo.SetprivArguments());
            args.Add("env");
        }
        args.AddRange(_environment.Select(kv => $"{kv.Key}={kv.Value}"));
        args.Add(program);
        args.AddRange(arguments);
        return (_switchTo is null ? "env" : "setpriv", args);
    }

    public ProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        (string fileName, List<string> args) = Command(program, arguments);
        return ProcessRunner.Run(fileName, args, timeout);
    }

    /// <summary>Runs and fails the test with the whole output unless the exit code is 0.</summary>
    public ProcessResult RunChecked(string program, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ProcessResult result = Run(program, arguments, timeout);
        return result.ExitCode == 0 ? result : throw new Xunit.Sdk.XunitException(result.ToString());
    }

    /// <summary>Gives <paramref name="path"/> (recursively) to this user, when that is another account.</summary>
    public void Own(string path)
    {
        if (_switchTo is not null)
        {
            Shell.Checked("chown", ["-R", $"{_switchTo.Uid}:{_switchTo.Gid}", path]);
        }
    }
}
