using System.Text;

namespace CowStore.Store.Neo4j;

/// <summary>Where one wrapped Neo4j run keeps its files: the data directory on the mount, the rest in a writable state directory.</summary>
public sealed record Neo4jSessionPaths(string DataDirectory, string StateDirectory)
{
    public string Logs => Path.Combine(StateDirectory, "logs");

    public string Run => Path.Combine(StateDirectory, "run");

    public string Import => Path.Combine(StateDirectory, "import");

    public string Temp => Path.Combine(StateDirectory, "tmp");
}

/// <summary>
/// The configuration the wrapper gives Neo4j: the user's <c>neo4j.conf</c> with the data directory moved onto
/// the mount, logs/run/import/JVM temp moved into the session's state directory, and the settings that would
/// bloat or damage a copy-on-write session turned off (transaction-log and store-file preallocation, log
/// pruning that deletes the snapshot's log files). Setting names differ per major version (5.x
/// <c>server.*</c>/<c>db.*</c>, 3.x/4.x <c>dbms.*</c>); 5.x rejects unknown names, so only names that version has are written.
/// </summary>
public static class Neo4jConfig
{
    public const string ConfFileName = "neo4j.conf";

    private const string Marker = "# cowstore-neo4j:";

    /// <summary>The settings for <paramref name="server"/>, in the order they are written.</summary>
    /// <param name="database">The database to serve (null: leave the configured default).</param>
    /// <param name="allowUpgrade">Let a 3.x/4.x server upgrade an older store at startup.</param>
    public static IReadOnlyList<KeyValuePair<string, string>> Settings(Neo4jServerVersion server, Neo4jSessionPaths paths, string? database, bool allowUpgrade)
    {
        var settings = new List<KeyValuePair<string, string>>();
        void Set(string key, string value) => settings.Add(new(key, value));
        string tmpFlags = $"-Djava.io.tmpdir={paths.Temp}";
        string jnaFlags = $"-Djna.tmpdir={paths.Temp}";
        if (server.Family == Neo4jMajorFamily.Neo4j5)
        {
            Set("server.directories.data", paths.DataDirectory);
            Set("server.directories.transaction.logs.root", Path.Combine(paths.DataDirectory, "transactions"));
            Set("server.directories.logs", paths.Logs);
            Set("server.directories.run", paths.Run);
            Set("server.directories.import", paths.Import);
            Set("db.tx_log.preallocate", "false");
            Set("db.store.files.preallocate", "false");
            Set("db.tx_log.rotation.retention_policy", "keep_all");
            if (database is not null)
            {
                Set("initial.dbms.default_database", database);
            }
            Set("server.jvm.additional", tmpFlags);
            Set("server.jvm.additional", jnaFlags);
            return settings;
        }
        Set("dbms.directories.data", paths.DataDirectory);
        if (server.Family == Neo4jMajorFamily.Neo4j4)
        {
            Set("dbms.directories.transaction.logs.root", Path.Combine(paths.DataDirectory, "transactions"));
        }
        Set("dbms.directories.logs", paths.Logs);
        Set("dbms.directories.run", paths.Run);
        Set("dbms.directories.import", paths.Import);
        if (server.Family == Neo4jMajorFamily.Neo4j4)
        {
            // 4.x names (4.4 has both; older 4.x only warn about names they lack: strict validation is off by default).
            Set("dbms.tx_log.preallocate", "false");
            Set("dbms.store.files.preallocate", "false");
        }
        // 3.x/4.x: "true" keeps every transaction log (5.x spells it keep_all).
        Set("dbms.tx_log.rotation.retention_policy", "true");
        if (database is not null)
        {
            Set(server.Family == Neo4jMajorFamily.Neo4j3 ? "dbms.active_database" : "dbms.default_database", database);
        }
        if (allowUpgrade)
        {
            Set("dbms.allow_upgrade", "true");
        }
        Set("dbms.jvm.additional", tmpFlags);
        Set("dbms.jvm.additional", jnaFlags);
        return settings;
    }

    /// <summary>
    /// <paramref name="original"/> (the user's neo4j.conf, or null) with every line that sets one of
    /// <paramref name="settings"/> commented out, then the settings appended under a marked header.
    /// Multi-valued JVM options stay, except the temp directories being replaced.
    /// </summary>
    public static string Rewrite(string? original, IReadOnlyList<KeyValuePair<string, string>> settings, string header)
    {
        var replaced = new HashSet<string>(settings.Where(s => !IsJvmAdditional(s.Key)).Select(s => s.Key), StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (string line in original is null ? [] : original.Split('\n'))
        {
            string trimmed = line.TrimEnd('\r');
            if (Overrides(trimmed, replaced))
            {
                text.Append(Marker).Append(" replaced below: ").Append(trimmed).Append('\n');
            }
            else
            {
                text.Append(trimmed).Append('\n');
            }
        }
        while (text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n')
        {
            text.Length--;
        }
        if (text.Length > 0)
        {
            text.Append('\n');
        }
        text.Append(Marker).Append(' ').Append(header).Append('\n');
        foreach ((string key, string value) in settings)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes the generated configuration directory: every file of <paramref name="sourceDirectory"/> (if it
    /// exists) copied, <c>neo4j.conf</c> rewritten. Creates the state directory's logs/run/import/tmp.
    /// </summary>
    public static string Write(string? sourceDirectory, string targetDirectory, IReadOnlyList<KeyValuePair<string, string>> settings, Neo4jSessionPaths paths, string header)
    {
        Directory.CreateDirectory(targetDirectory);
        foreach (string directory in new[] { paths.Logs, paths.Run, paths.Import, paths.Temp })
        {
            Directory.CreateDirectory(directory);
        }
        string? original = null;
        if (sourceDirectory is not null && Directory.Exists(sourceDirectory))
        {
            foreach (string file in Directory.EnumerateFiles(sourceDirectory))
            {
                string name = Path.GetFileName(file);
                if (name == ConfFileName)
                {
                    original = File.ReadAllText(file);
                }
                else
                {
                    File.Copy(file, Path.Combine(targetDirectory, name), overwrite: true);
                }
            }
        }
        string target = Path.Combine(targetDirectory, ConfFileName);
        File.WriteAllText(target, Rewrite(original, settings, header));
        return target;
    }

    private static bool Overrides(string line, HashSet<string> replaced)
    {
        string content = line.TrimStart();
        if (content.Length == 0 || content[0] == '#')
        {
            return false;
        }
        int equals = content.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return false;
        }
        string key = content[..equals].Trim();
        if (IsJvmAdditional(key))
        {
            string value = content[(equals + 1)..].Trim();
            return value.StartsWith("-Djava.io.tmpdir=", StringComparison.Ordinal) || value.StartsWith("-Djna.tmpdir=", StringComparison.Ordinal);
        }
        return replaced.Contains(key);
    }

    private static bool IsJvmAdditional(string key) => key is "server.jvm.additional" or "dbms.jvm.additional";
}
