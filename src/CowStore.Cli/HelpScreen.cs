using System.Reflection;
using CommandLine;
using CommandLine.Text;

namespace CowStore.Cli;

/// <summary>
/// Help and parse-error text. CommandLineParser's own screen for a verb lists options only; ours also
/// prints the verb's description (what it does and what state it leaves) above its examples.
/// </summary>
internal static class HelpScreen
{
    public static void Write(ParserResult<object> result, TextWriter output, TextWriter error)
    {
        if (result.Errors.Any(e => e.Tag == ErrorType.VersionRequestedError))
        {
            output.WriteLine(HeadingInfo.Default);
            return;
        }
        Type verbType = result.TypeInfo.Current;
        bool verbIndex = verbType == typeof(NullInstance);
        HelpText help = HelpText.AutoBuild(result, text =>
        {
            text.AdditionalNewLineAfterOption = false;
            text.AddDashesToOption = true;
            text.MaximumDisplayWidth = 100;
            string? description = verbIndex ? null : verbType.GetCustomAttribute<VerbAttribute>()?.HelpText;
            if (description is not null)
            {
                text.AddPreOptionsLine(string.Empty);
                text.AddPreOptionsLine(description);
                text.AddPreOptionsLine(string.Empty);
            }
            return HelpText.DefaultParsingErrorsHandler(result, text);
        }, example => example, verbsIndex: verbIndex);
        error.WriteLine(help);
    }
}
