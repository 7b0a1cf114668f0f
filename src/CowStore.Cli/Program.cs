using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using CommandLine;

namespace CowStore.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // The daemon's command line is ours alone: skip building the parser, every millisecond of daemon
        // start-up is part of how long `cowstore mount` takes.
        if (args is [Verbs.DaemonVerb.Name, "--session", string session])
        {
            return (int)new Verbs.DaemonVerb { Session = session }.Run(TextWriter.Null, TextWriter.Null);
        }
        return (int)Run(args, Console.Out, Console.Error);
    }

    /// <summary>Parses <paramref name="args"/>, runs the verb and maps failures to one line and an exit code.</summary>
    public static ExitCode Run(string[] args, TextWriter output, TextWriter error)
    {
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.CaseInsensitiveEnumValues = true;
            // `cowstore run BASE -- COMMAND -x ...`: everything after -- belongs to the command.
            settings.EnableDashDash = true;
            // Repeatable options (--meta K=V --meta K2=V2).
            settings.AllowMultiInstance = true;
        });
        ParserResult<object> result = parser.ParseArguments(args, VerbTypes);
        if (result is not Parsed<object> { Value: IVerb verb })
        {
            bool askedForHelp = result.Errors.Any(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError or ErrorType.VersionRequestedError);
            HelpScreen.Write(result, output, error);
            return askedForHelp ? ExitCode.Success : ExitCode.Usage;
        }
        try
        {
            return verb.Run(output, error);
        }
        catch (CliError e)
        {
            error.WriteLine($"cowstore: {e.Message}");
            return e.Code;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"cowstore: permission denied: {e.Message}");
            return ExitCode.PermissionDenied;
        }
        catch (IOException e) when (e.HResult == NoSpaceErrno || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            error.WriteLine($"cowstore: no space left on device: {e.Message}");
            return ExitCode.NoSpace;
        }
        catch (TimeoutException e)
        {
            error.WriteLine($"cowstore: busy: {e.Message}; try again");
            return ExitCode.Conflict;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            error.WriteLine($"cowstore: {e.Message}");
            return ExitCode.Failure;
        }
    }

    private const int NoSpaceErrno = 28;

    private static readonly Type[] VerbTypes = DiscoverVerbs();

    // Every class with [Verb] that implements IVerb is a verb. The CLI assembly is a trimmer root under
    // NativeAOT (see CowStore.Cli.csproj), so no verb type or option property is ever trimmed away.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The CLI assembly is rooted under trimming and NativeAOT.")]
    private static Type[] DiscoverVerbs() => typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IVerb).IsAssignableFrom(t) && t.GetCustomAttribute<VerbAttribute>() is not null)
        .OrderBy(t => t.GetCustomAttribute<VerbAttribute>()!.Name, StringComparer.Ordinal)
        .ToArray();
}
