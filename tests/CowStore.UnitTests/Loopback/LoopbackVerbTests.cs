using CowStore.Cli;
using Xunit;

namespace CowStore.UnitTests.Loopback;

/// <summary>The verb's validation, run in-process; every case fails before anything is mounted.</summary>
public sealed class LoopbackVerbTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cowstore-unit", $"{nameof(LoopbackVerbTests)}-{Guid.NewGuid():N}");

    public LoopbackVerbTests() => Directory.CreateDirectory(Path.Combine(_root, "src", "inner"));

    [Theory]
    [InlineData("missing", "mnt", ExitCode.NotFound, "directory")]
    [InlineData("src", "missing", ExitCode.NotFound, "mountpoint")]
    [InlineData("src", "src/inner", ExitCode.Usage, "inside")]
    [InlineData("src", "src", ExitCode.Usage, "inside")]
    public void Run_RejectsBadDirectories_WithOneLineAndAnExitCode(string dir, string mountPoint, ExitCode expected, string mentioned)
    {
        Directory.CreateDirectory(Path.Combine(_root, "mnt"));
        var output = new StringWriter();
        var error = new StringWriter();

        ExitCode code = Program.Run(["loopback", Path.Combine(_root, dir), Path.Combine(_root, mountPoint)], output, error);

        Assert.Equal(expected, code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cowstore: ", line);
        Assert.Contains(mentioned, line);
        Assert.Empty(output.ToString());
    }

    [Fact]
    public void Run_RejectsAMountPointThatIsAlreadyMounted()
    {
        var error = new StringWriter();
        // "/" is a mount point on every Linux system; the verb must refuse before trying to mount.
        ExitCode code = Program.Run(["loopback", Path.Combine(_root, "src"), "/"], TextWriter.Null, error);
        Assert.Equal(ExitCode.Conflict, code);
        Assert.Contains("already a mount point", error.ToString());
    }

    [Fact]
    public void Run_RejectsZeroThreads()
    {
        Directory.CreateDirectory(Path.Combine(_root, "mnt"));
        ExitCode code = Program.Run(["loopback", "--threads", "0", Path.Combine(_root, "src"), Path.Combine(_root, "mnt")], TextWriter.Null, TextWriter.Null);
        Assert.Equal(ExitCode.Usage, code);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
