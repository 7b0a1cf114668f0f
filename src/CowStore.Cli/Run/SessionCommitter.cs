using CowStore.Cli.Verbs;

namespace CowStore.Cli.Run;

/// <summary>Commits a detached session through the <c>commit</c> verb, in this process.</summary>
internal static class SessionCommitter
{
    /// <summary>Runs <c>cowstore commit SESSION [-m MESSAGE] [--meta KEY=VALUE]...</c>; it prints the new snapshot id last.</summary>
    public static ExitCode Commit(string session, string? message, IReadOnlyList<string> meta, TextWriter output, TextWriter error) =>
        new CommitVerb { Target = session, Message = message, Meta = [.. meta] }.Run(output, error);
}
