namespace CowStore.Store.Neo4j;

/// <summary>Whether a server may start on a store, and what to tell the user about it.</summary>
/// <param name="MayStart">False: refuse (the wrapper exits without mounting anything writable for Neo4j).</param>
/// <param name="Upgrades">The server will (try to) upgrade the store; 3.x/4.x servers need <c>dbms.allow_upgrade=true</c> for it.</param>
/// <param name="Messages">One line per finding, in the order they matter.</param>
public sealed record Neo4jVerdict(bool MayStart, bool Upgrades, IReadOnlyList<string> Messages);

/// <summary>
/// The wrapper's version policy: a server only starts on a store its own major line wrote, so a 5.x server
/// never silently migrates a 4.x snapshot. Upgrading is possible on request (<c>--allow-upgrade</c>); the
/// upgraded files land in the session, never in the snapshot. Downgrading is never possible.
/// </summary>
public static class Neo4jCompatibility
{
    public static Neo4jVerdict Check(Neo4jServerVersion server, Neo4jDataLayout layout, bool allowUpgrade)
    {
        var messages = new List<string>();
        DescribeSystemDatabase(server, layout, messages);
        bool mayStart = true;
        bool upgrades = false;
        // One finding per format, not per database: neo4j and system normally share theirs.
        foreach (IGrouping<string, Neo4jStoreFormat> group in layout.Databases.GroupBy(d => d.StoreFormat))
        {
            Neo4jStoreFormat store = group.First();
            Neo4jMajorFamily family = store.Family;
            if (family == server.Family)
            {
                continue;
            }
            string names = string.Join(" and ", group.Select(d => d.DatabaseName));
            string what = $"{(group.Count() == 1 ? "database" : "databases")} {names} {(group.Count() == 1 ? "is" : "are")} in format {store.StoreFormat} (written by Neo4j {store.WrittenBy})";
            if (family == Neo4jMajorFamily.Unknown || server.Family == Neo4jMajorFamily.Unknown)
            {
                messages.Add(allowUpgrade
                    ? $"{what}; cannot tell whether Neo4j {server} opens it; starting anyway (--allow-upgrade)"
                    : $"{what}; cannot tell whether Neo4j {server} opens it: refusing (--allow-upgrade starts anyway)");
                mayStart &= allowUpgrade;
            }
            else if (family > server.Family)
            {
                messages.Add($"{what}: Neo4j {server} cannot open a store of a newer major version, not even with --allow-upgrade; use a Neo4j {(int)family}.x server");
                mayStart = false;
            }
            else if (!allowUpgrade)
            {
                messages.Add($"{what}: Neo4j {server} would have to upgrade the store to its own format, which cannot be undone: refusing. "
                    + "--allow-upgrade starts anyway (the upgraded files land in the session, the snapshot stays as it is)");
                mayStart = false;
            }
            else
            {
                upgrades = true;
                messages.Add(server.Family == Neo4jMajorFamily.Neo4j5
                    ? $"{what}: Neo4j {server} does not upgrade such a store at startup; it needs an offline 'neo4j-admin database migrate' (only from 4.3/4.4 formats), "
                        + "which you can run in this session; starting anyway (--allow-upgrade)"
                    : $"{what}: Neo4j {server} upgrades the store at startup (dbms.allow_upgrade=true is set); the upgraded store lands in the session (--allow-upgrade)");
            }
        }
        return new Neo4jVerdict(mayStart, upgrades, messages);
    }

    private static void DescribeSystemDatabase(Neo4jServerVersion server, Neo4jDataLayout layout, List<string> messages)
    {
        if (layout.HasSystemDatabase)
        {
            if (layout.UserDatabase is null)
            {
                messages.Add("the snapshot holds only the system database: Neo4j will create a new, empty database 'neo4j' in the session");
            }
            return;
        }
        string database = layout.UserDatabase ?? "neo4j";
        if (layout.IsLegacy3Layout)
        {
            messages.Add(server.Family == Neo4jMajorFamily.Neo4j3
                ? $"Neo4j 3.x layout: databases/{database} and no system database (3.x has none); served as dbms.active_database={database}"
                : $"Neo4j 3.x layout: databases/{database} and no system database; a Neo4j {server.Major}.x server creates a new system database in the session "
                    + $"and serves {database} only after upgrading it (the generated configuration makes it the default database)");
            return;
        }
        messages.Add($"no databases/system in the snapshot: Neo4j {server} creates a new, empty system database in the session at startup "
            + $"(fresh users and passwords; the list of databases is rebuilt) and serves {database} because the generated configuration makes it the default database");
    }
}
