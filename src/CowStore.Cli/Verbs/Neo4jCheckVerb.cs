using CommandLine;
using CowStore.Store.Neo4j;

namespace CowStore.Cli.Verbs;

/// <summary>
/// For <c>cowstore-neo4j</c>: reads the store format of a Neo4j data directory and decides whether a server
/// version may start on it. Findings go to stderr, one line each; stdout gets <c>key=value</c> lines for the script.
/// </summary>
[Verb("neo4j-check", Hidden = true, HelpText =
    "Read the store format of every database in a Neo4j data directory (straight from databases/<db>/neostore) and, "
    + "given the server version, refuse a major-version mismatch (exit 4) unless --allow-upgrade. Prints key=value lines: "
    + "database, storeFormat, storeWrittenBy, system, upgrade.")]
public sealed class Neo4jCheckVerb : IVerb
{
    [Value(0, MetaName = "data-dir", Required = true, HelpText = "The Neo4j data directory (the one holding databases/).")]
    public string DataDirectory { get; set; } = "";

    [Option("server-version", MetaValue = "VERSION", HelpText = "The Neo4j server version that would start (e.g. 5.6.0, or the output of neo4j --version).")]
    public string? ServerVersion { get; set; }

    [Option("allow-upgrade", HelpText = "Allow a server of a newer major version than the store (the upgrade lands in the session).")]
    public bool AllowUpgrade { get; set; }

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(DataDirectory))
        {
            throw new CliError(ExitCode.NotFound, $"not a directory: {DataDirectory}");
        }
        Neo4jDataLayout layout;
        try
        {
            layout = Neo4jDataLayout.Read(DataDirectory);
        }
        catch (InvalidDataException e)
        {
            throw new CliError(ExitCode.Usage, e.Message);
        }
        foreach (Neo4jStoreFormat database in layout.Databases)
        {
            error.WriteLine($"cowstore-neo4j: {database}");
        }
        Neo4jStoreFormat served = layout.ServedFormat;
        output.WriteLine($"database={layout.UserDatabase ?? ""}");
        output.WriteLine($"storeFormat={served.StoreFormat}");
        output.WriteLine($"storeWrittenBy={served.WrittenBy}");
        output.WriteLine($"system={(layout.HasSystemDatabase ? "yes" : "no")}");
        if (ServerVersion is null)
        {
            return ExitCode.Success;
        }
        Neo4jServerVersion server = Neo4jServerVersion.Parse(ServerVersion)
            ?? throw new CliError(ExitCode.Usage, $"not a Neo4j version: '{ServerVersion}'");
        Neo4jVerdict verdict = Neo4jCompatibility.Check(server, layout, AllowUpgrade);
        foreach (string message in verdict.Messages)
        {
            error.WriteLine($"cowstore-neo4j: {message}");
        }
        output.WriteLine($"upgrade={(verdict.Upgrades ? "yes" : "no")}");
        if (!verdict.MayStart)
        {
            throw new CliError(ExitCode.Conflict, $"refusing to start Neo4j {server} on {served.StoreFormat} (Neo4j {served.WrittenBy})");
        }
        return ExitCode.Success;
    }
}
