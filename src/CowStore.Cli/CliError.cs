namespace CowStore.Cli;

/// <summary>A failure the user caused or can fix: printed as one line, mapped to an exit code.</summary>
public sealed class CliError(ExitCode code, string message) : Exception(message)
{
    public ExitCode Code { get; } = code;
}
