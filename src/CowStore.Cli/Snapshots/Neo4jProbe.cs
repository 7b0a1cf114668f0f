using CowStore.Core.Snapshots;
using CowStore.Store.Neo4j;

namespace CowStore.Cli.Snapshots;

/// <summary>
/// Detects the Neo4j store formats in a snapshot without exporting it: the few <c>neostore</c> files where a data
/// directory keeps them are copied (same relative paths, same length) into a scratch directory, which
/// <see cref="Neo4jStoreReader.Detect"/> then reads.
/// </summary>
internal static class Neo4jProbe
{
    private const long MaxNeostoreBytes = 64L << 20;

    /// <summary>Each database's format, or null with <paramref name="reason"/> when the tree holds no readable Neo4j store.</summary>
    public static IReadOnlyList<Neo4jStoreFormat>? Detect(SnapshotTree tree, out string reason)
    {
        string scratch = Path.Combine(Path.GetTempPath(), $"cowstore-neo4j-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            int copied = 0;
            foreach (string root in new[] { "", "data" })
            {
                foreach (string databases in new[] { root, Join(root, "databases") })
                {
                    copied += CopyNeostore(tree, Join(databases, Neo4jStoreReader.NeostoreFileName), scratch);
                    if (tree.Stat(databases) is { Kind: SnapshotTreeKind.Directory })
                    {
                        foreach (string name in tree.List(databases))
                        {
                            copied += CopyNeostore(tree, Join(Join(databases, name), Neo4jStoreReader.NeostoreFileName), scratch);
                        }
                    }
                }
            }
            if (copied == 0)
            {
                reason = "no neostore found (not a Neo4j data directory)";
                return null;
            }
            foreach (string root in new[] { scratch, Path.Combine(scratch, "data") })
            {
                try
                {
                    reason = "";
                    return Neo4jStoreReader.Detect(root);
                }
                catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
                {
                    reason = e.Message.Replace(scratch, "", StringComparison.Ordinal);
                }
            }
            reason = "neostore found but not readable";
            return null;
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static int CopyNeostore(SnapshotTree tree, string path, string scratch)
    {
        if (tree.Stat(path) is not { Kind: SnapshotTreeKind.File } entry || entry.Size > MaxNeostoreBytes)
        {
            return 0;
        }
        string target = Path.Combine(scratch, path);
        if (File.Exists(target))
        {
            return 0;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        byte[] content = new byte[entry.Size];
        using (SnapshotTreeFile file = tree.OpenFile(entry))
        {
            file.Read(content, 0);
        }
        File.WriteAllBytes(target, content);
        return 1;
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;
}
