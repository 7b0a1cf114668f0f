namespace CowStore.Cli;

/// <summary>
/// A <c>cowstore</c> verb: a CommandLineParser options class marked <c>[Verb]</c> that runs itself.
/// Verbs write results to <paramref name="output"/> and one-line errors to <paramref name="error"/>,
/// so tests call them without a process. Program discovers every IVerb in this assembly.
/// </summary>
public interface IVerb
{
    ExitCode Run(TextWriter output, TextWriter error);
}
