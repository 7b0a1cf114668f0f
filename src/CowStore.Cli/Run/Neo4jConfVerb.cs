using CommandLine;
using CowStore.Store.Neo4j;

namespace CowStore.Cli.Run;

/// <summary>For <c>cowstore-neo4j</c>: writes the configuration directory of one wrapped Neo4j run.</summary>
[Verb("neo4j-conf", Hidden = true, HelpText =
    "Write a Neo4j configuration directory: the files of --from (NEO4J_CONF or NEO4J_HOME/conf) copied, neo4j.conf with the "
    + "data directory on the mount, logs/run/import/JVM temp under --state, preallocation and log pruning off, using the setting "
    + "names of --server-version's major version. Prints the path of the generated neo4j.conf.")]
public sealed class Neo4jConfVerb : IVerb
{
    [Option("server-version", Required = true, MetaValue = "VERSION", HelpText = "The Neo4j server version (decides the setting names).")]
    public string ServerVersion { get; set; } = "";

    [Option("from", MetaValue = "DIR", HelpText = "The configuration directory to start from (may be missing: then only our settings).")]
    public string? From { get; set; }

    [Option("to", Required = true, MetaValue = "DIR", HelpText = "The configuration directory to write (NEO4J_CONF for the server).")]
    public string To { get; set; } = "";

    [Option("data", Required = true, MetaValue = "DIR", HelpText = "The Neo4j data directory on the mount.")]
    public string Data { get; set; } = "";

    [Option("state", Required = true, MetaValue = "DIR", HelpText = "The session's writable state directory (gets logs/, run/, import/, tmp/).")]
    public string State { get; set; } = "";

    [Option("database", MetaValue = "NAME", HelpText = "The database to serve (default database setting).")]
    public string? Database { get; set; }

    [Option("allow-upgrade", HelpText = "Let a 3.x/4.x server upgrade an older store (dbms.allow_upgrade=true).")]
    public bool AllowUpgrade { get; set; }

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        Neo4jServerVersion server = Neo4jServerVersion.Parse(ServerVersion)
            ?? throw new CliError(ExitCode.Usage, $"not a Neo4j version: '{ServerVersion}'");
        var paths = new Neo4jSessionPaths(Path.GetFullPath(Data), Path.GetFullPath(State));
        IReadOnlyList<KeyValuePair<string, string>> settings = Neo4jConfig.Settings(server, paths, string.IsNullOrEmpty(Database) ? null : Database, AllowUpgrade);
        if (From is not null && !File.Exists(Path.Combine(From, Neo4jConfig.ConfFileName)))
        {
            error.WriteLine($"cowstore-neo4j: no {Neo4jConfig.ConfFileName} in {From}; the generated one holds only the session's settings");
        }
        string written = Neo4jConfig.Write(From, Path.GetFullPath(To), settings, paths,
            $"session settings for Neo4j {server} (data on the cowstore mount, everything else in {paths.StateDirectory})");
        output.WriteLine(written);
        return ExitCode.Success;
    }
}
