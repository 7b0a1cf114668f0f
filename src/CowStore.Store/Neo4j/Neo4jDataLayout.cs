namespace CowStore.Store.Neo4j;

/// <summary>
/// What a Neo4j data directory holds: its databases with their store formats, whether the <c>system</c>
/// database is among them (4.x/5.x keep the list of databases there, so a database folder without it is
/// invisible) and which database a server should serve.
/// </summary>
public sealed record Neo4jDataLayout(string DataDirectory, IReadOnlyList<Neo4jStoreFormat> Databases)
{
    public const string SystemDatabase = "system";

    /// <summary>The 3.x layout: one database (<c>graph.db</c>), no system database.</summary>
    public bool IsLegacy3Layout => Databases.All(d => d.Family == Neo4jMajorFamily.Neo4j3);

    public bool HasSystemDatabase => Databases.Any(d => d.DatabaseName == SystemDatabase);

    /// <summary>
    /// The database to serve: the only non-system one, else <c>neo4j</c> (the 4.x/5.x default), else the
    /// first by name; null when the directory holds only <c>system</c>.
    /// </summary>
    public string? UserDatabase
    {
        get
        {
            List<string> user = Databases.Select(d => d.DatabaseName).Where(n => n != SystemDatabase).ToList();
            return user.Count switch
            {
                0 => null,
                1 => user[0],
                _ => user.Contains("neo4j") ? "neo4j" : user[0],
            };
        }
    }

    /// <summary>The format of the database that will be served (the system database's if there is no other).</summary>
    public Neo4jStoreFormat ServedFormat => Databases.FirstOrDefault(d => d.DatabaseName == UserDatabase) ?? Databases[0];

    /// <summary>Reads <paramref name="dataDirectory"/> (the directory holding <c>databases/</c>).</summary>
    /// <exception cref="InvalidDataException">It holds no readable Neo4j database.</exception>
    public static Neo4jDataLayout Read(string dataDirectory) => new(Path.GetFullPath(dataDirectory), Neo4jStoreReader.Detect(dataDirectory));
}
