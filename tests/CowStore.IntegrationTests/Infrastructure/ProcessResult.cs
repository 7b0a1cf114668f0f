namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>Exit code and captured output of a finished process.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() =>
        $"`{CommandLine}` exited {ExitCode}\nstdout: {Stdout.TrimEnd()}\nstderr: {Stderr.TrimEnd()}";
}
