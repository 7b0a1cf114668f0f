using CowStore.Cli;
using CowStore.Cli.Verbs;
using Xunit;

namespace CowStore.UnitTests.Cli;

/// <summary>Argument checks of the session verbs, called in-process with StringWriters (nothing is mounted).</summary>
[Collection(nameof(VerbArgumentTests))]
public sealed class VerbArgumentTests : IDisposable
{
    private readonly TestDirectory _dir = new();
    private readonly string? _previousHome = Environment.GetEnvironmentVariable("COWSTORE_HOME");

    public VerbArgumentTests() => Environment.SetEnvironmentVariable("COWSTORE_HOME", _dir.Combine("home"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("COWSTORE_HOME", _previousHome);
        _dir.Dispose();
    }

    private static (ExitCode Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        ExitCode code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static void AssertOneLineError((ExitCode Code, string Output, string Error) result, ExitCode expected, string message)
    {
        Assert.Equal(expected, result.Code);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cowstore: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mount_OfAMissingBase_IsNotFound() =>
        AssertOneLineError(Run("mount", _dir.Combine("missing"), _dir.Path), ExitCode.NotFound, "base not found");

    [Fact]
    public void Mount_OfAFileAsBase_IsUsage()
    {
        File.WriteAllText(_dir.Combine("file"), "x");
        AssertOneLineError(Run("mount", _dir.Combine("file"), _dir.Path), ExitCode.Usage, "base is not a directory");
    }

    [Fact]
    public void Mount_OfAnUnknownSnapshotId_SaysSo() =>
        AssertOneLineError(Run("mount", "3f2a9c", _dir.Path), ExitCode.NotFound, "no snapshot, base or tag named \"3f2a9c\"");

    [Fact]
    public void Mount_OnAMissingMountpoint_IsNotFound()
    {
        Directory.CreateDirectory(_dir.Combine("base"));
        AssertOneLineError(Run("mount", _dir.Combine("base"), _dir.Combine("nope")), ExitCode.NotFound, "mountpoint not found");
    }

    [Fact]
    public void Mount_OnANonEmptyMountpoint_IsConflict()
    {
        Directory.CreateDirectory(_dir.Combine("base"));
        Directory.CreateDirectory(_dir.Combine("mnt"));
        File.WriteAllText(_dir.Combine("mnt", "x"), "x");
        AssertOneLineError(Run("mount", _dir.Combine("base"), _dir.Combine("mnt")), ExitCode.Conflict, "mountpoint is not empty");
    }

    [Fact]
    public void Mount_OnAMountpointThatIsAMount_IsConflict()
    {
        Directory.CreateDirectory(_dir.Combine("base"));
        AssertOneLineError(Run("mount", _dir.Combine("base"), "/proc"), ExitCode.Conflict, "mountpoint is already a mount: /proc");
    }

    [Fact]
    public void Mount_WithAnInvalidSessionName_IsUsage()
    {
        var verb = new MountVerb { Base = _dir.Path, Mountpoint = _dir.Path, Session = "../../etc" };
        CliError error = Assert.Throws<CliError>(() => verb.Run(TextWriter.Null, TextWriter.Null));
        Assert.Equal(ExitCode.Usage, error.Code);
        Assert.Contains("invalid session name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Umount_OfAnUnknownSession_IsNotFound() =>
        AssertOneLineError(Run("umount", "ghost"), ExitCode.NotFound, "no session named or mounted at ghost");

    [Fact]
    public void Discard_OfAnUnknownSession_IsNotFound() =>
        AssertOneLineError(Run("discard", "--yes", "ghost"), ExitCode.NotFound, "no session named or mounted at ghost");

    [Fact]
    public void Status_WithoutSessions_SaysWhereItLooked()
    {
        var output = new StringWriter();
        Assert.Equal(ExitCode.Success, new StatusVerb().Run(output, TextWriter.Null));
        Assert.Contains("no sessions in", output.ToString(), StringComparison.Ordinal);

        var json = new StringWriter();
        Assert.Equal(ExitCode.Success, new StatusVerb { Json = true }.Run(json, TextWriter.Null));
        Assert.Equal("[]", json.ToString().Trim());
    }

    [Fact]
    public void MissingArguments_AreUsageErrors() =>
        Assert.Equal(ExitCode.Usage, Run("mount").Code);

    [Theory]
    [InlineData("mount", "USAGE", "--session")]
    [InlineData("umount", "--lazy", "detached")]
    [InlineData("discard", "--yes", "since its last commit")]
    [InlineData("commit", "--message", "same base and same content give the same id")]
    [InlineData("status", "--json", "stale mount")]
    public void Help_TeachesEachVerb(string verb, string expected1, string expected2)
    {
        (ExitCode code, _, string help) = Run(verb, "--help");
        Assert.Equal(ExitCode.Success, code);
        Assert.Contains(expected1, help, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(expected2, help, StringComparison.Ordinal);
        Assert.Contains("cowstore " + verb, help, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_HidesTheDaemonVerb()
    {
        (_, _, string help) = Run("--help");
        Assert.Contains("mount", help, StringComparison.Ordinal);
        Assert.DoesNotContain(help.Split('\n'), line => line.StartsWith("  daemon ", StringComparison.Ordinal));
    }
}
