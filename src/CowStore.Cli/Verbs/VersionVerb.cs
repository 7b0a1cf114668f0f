using CommandLine;

namespace CowStore.Cli.Verbs;

[Verb("info-version", Hidden = true, HelpText = "Print the cowstore version.")]
public sealed class VersionVerb : IVerb
{
    public ExitCode Run(TextWriter output, TextWriter error)
    {
        output.WriteLine(typeof(VersionVerb).Assembly.GetName().Version);
        return ExitCode.Success;
    }
}
