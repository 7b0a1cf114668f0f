namespace CowStore.Store.Neo4j;

/// <summary>
/// Finds the databases of a Neo4j data directory and reads each one's store format from its
/// <c>neostore</c>, without a JVM and without writing anything (Neo4j's own tools take write locks).
/// </summary>
public static class Neo4jStoreReader
{
    public const string NeostoreFileName = "neostore";
    private const string DatabasesDirectoryName = "databases";

    /// <summary>
    /// The format of every database under <paramref name="directory"/>: a data directory
    /// (<c>databases/*/neostore</c>; 3.5 has a single <c>databases/graph.db</c>), its
    /// <c>databases</c> directory, or one database directory. Ordered by database name.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">No <c>neostore</c> was found, or one is truncated or garbage.</exception>
    public static IReadOnlyList<Neo4jStoreFormat> Detect(string directory)
    {
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"not a directory: {root}");
        }
        List<string> databases = FindDatabaseDirectories(root);
        if (databases.Count == 0)
        {
            throw new InvalidDataException($"not a Neo4j data directory: no {DatabasesDirectoryName}/*/{NeostoreFileName} under {root}");
        }
        return databases.Select(ReadDatabase).ToList();
    }

    /// <summary>The format of the database whose directory is <paramref name="databaseDirectory"/>.</summary>
    public static Neo4jStoreFormat ReadDatabase(string databaseDirectory)
    {
        string directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(databaseDirectory));
        string path = Path.Combine(directory, NeostoreFileName);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long length = RandomAccess.GetLength(handle);
        Span<byte> prefix = stackalloc byte[NeostoreDecoder.PrefixLength];
        int filled = 0;
        while (filled < prefix.Length)
        {
            int read = RandomAccess.Read(handle, prefix[filled..], filled);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return NeostoreDecoder.Decode(Path.GetFileName(directory), path, length, prefix[..filled]);
    }

    private static List<string> FindDatabaseDirectories(string root)
    {
        if (File.Exists(Path.Combine(root, NeostoreFileName)))
        {
            return [root];
        }
        foreach (string databasesRoot in new[] { Path.Combine(root, DatabasesDirectoryName), root })
        {
            if (!Directory.Exists(databasesRoot))
            {
                continue;
            }
            List<string> found = Directory.EnumerateDirectories(databasesRoot)
                .Where(d => File.Exists(Path.Combine(d, NeostoreFileName)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (found.Count > 0)
            {
                return found;
            }
        }
        return [];
    }
}
