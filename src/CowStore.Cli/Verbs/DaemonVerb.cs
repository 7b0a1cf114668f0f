using CommandLine;
using CowStore.Cli.Daemon;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

/// <summary>The background process <c>cowstore mount</c> starts; not meant to be run by hand.</summary>
[Verb(Name, Hidden = true, HelpText = "Serve a session's mount in the background (started by cowstore mount).")]
public sealed class DaemonVerb : IVerb
{
    public const string Name = "daemon";

    [Option("session", Required = true, HelpText = "The session to serve; its record names base and mountpoint.")]
    public string Session { get; set; } = "";

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        // output/error are not ours to use (the starter's pipes, or null): log only to our own file.
        TextWriter log = DaemonStdio.Detach(catalog.State.DaemonLog(Session));
        try
        {
            return SessionServer.Serve(catalog, Session, log, _ => { });
        }
        catch (CliError e)
        {
            // The launcher shows the last "cowstore: " line of the log as the mount error.
            log.WriteLine($"cowstore: {e.Message}");
            return e.Code;
        }
        catch (Exception e)
        {
            log.WriteLine(e.ToString());
            log.WriteLine($"cowstore: the daemon of session {Session} failed: {e.Message}");
            return e is UnauthorizedAccessException ? ExitCode.PermissionDenied : ExitCode.Failure;
        }
    }
}
