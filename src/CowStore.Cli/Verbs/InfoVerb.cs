using System.Globalization;
using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Neo4j;

namespace CowStore.Cli.Verbs;

[Verb("info", HelpText =
    "Show what a snapshot is: id, tags, base (kind and path, and whether it is still usable), parent and depth, "
    + "date, message, metadata (e.g. neo4j.*), sizes, and the Neo4j store format found in its content (read from "
    + "the neostore files without mounting). For a session (name or mountpoint): the session, then the snapshot it "
    + "builds on; the Neo4j format is read from the mountpoint when it is mounted.")]
public sealed class InfoVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag|mountpoint|session", Required = true, HelpText = "What to describe.")]
    public string Target { get; set; } = "";

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Describe a tagged snapshot", new InfoVerb { Target = "release-3" }),
        new("What is mounted at ~/db built on", new InfoVerb { Target = "~/db" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        StateDirectory state = StateDirectory.FromEnvironment();
        var store = new SnapshotStore(state.StoreDirectory);
        SnapshotTarget target = SnapshotTargets.Resolve(state, store, Target);
        if (target.Session is { } session)
        {
            Row(output, "session", session.Name + (session.Ephemeral ? " (ephemeral)" : ""));
            Row(output, "mountpoint", session.Mountpoint ?? "- (detached)");
            Row(output, "base dir", session.Base);
            Row(output, "builds on", session.Parent ?? "its base directly");
            if (session.Mountpoint is not null && Directory.Exists(session.Mountpoint))
            {
                using SnapshotTree live = SnapshotTree.OpenDirectory(session.Mountpoint);
                WriteNeo4j(output, live);
            }
            if (session.Parent is null)
            {
                return ExitCode.Success;
            }
            output.WriteLine();
            return DescribeSnapshot(store, session.Parent, output, neo4j: session.Mountpoint is null);
        }
        StoreObject found = target.Object!.Value;
        if (found.Kind == StoreObjectKind.Base)
        {
            BaseRecord record = store.ReadBase(found.Id);
            Row(output, "base", record.Id);
            Tags(output, store, record.Id);
            Row(output, "kind", record.Kind);
            Row(output, "path", record.Path);
            Row(output, "status", SnapshotStore.CheckBase(record) ?? "usable");
            Row(output, "registered", record.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
            if (SnapshotStore.CheckBase(record) is null)
            {
                using SnapshotTree tree = SnapshotTree.OpenBase(store, record.Id);
                WriteNeo4j(output, tree);
            }
            return ExitCode.Success;
        }
        return DescribeSnapshot(store, found.Id, output, neo4j: true);
    }

    private static ExitCode DescribeSnapshot(SnapshotStore store, string id, TextWriter output, bool neo4j)
    {
        SnapshotRecord record = store.ReadRecord(id);
        Manifest manifest = store.ReadManifest(id);
        Row(output, "snapshot", record.Id);
        Tags(output, store, record.Id);
        string? baseProblem = null;
        if (store.ContainsBase(record.BaseId))
        {
            BaseRecord baseRecord = store.ReadBase(record.BaseId);
            baseProblem = SnapshotStore.CheckBase(baseRecord);
            Row(output, "base", $"{baseRecord.Id} ({baseRecord.Kind}) {baseRecord.Path}" + (baseProblem is null ? "" : $"  [{baseProblem}]"));
        }
        else
        {
            baseProblem = "not registered";
            Row(output, "base", $"{record.BaseId} (not registered)");
        }
        int depth = SnapshotTargets.Lineage(store, id, out _).Count;
        Row(output, "parent", record.ParentId ?? "none: lies directly on its base");
        Row(output, "depth", depth == 1 ? "1 layer" : $"{depth} layers");
        Row(output, "created", record.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        Row(output, "message", record.Message ?? "-");
        foreach ((string key, string value) in record.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Row(output, "meta", $"{key}={value}");
        }
        Row(output, "new", $"{ByteSize.Format(record.NewBytes)} in {record.NewBlocks} blocks stored by this commit");
        long stored = manifest.Entries.Values.SelectMany(e => e.Runs).Where(r => r.Kind == RunKind.Stored).Sum(r => r.Count) * PackIndex.BlockSize;
        long files = manifest.Entries.Values.LongCount(e => e.Kind == EntryKind.File);
        Row(output, "content", $"{manifest.Entries.Count} paths differ from the base ({files} files); {ByteSize.Format(stored)} of stored blocks in {manifest.Packs.Count} packs");
        if (neo4j && baseProblem is null)
        {
            try
            {
                using SnapshotTree tree = SnapshotTree.OpenSnapshot(store, id);
                WriteNeo4j(output, tree);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                Row(output, "neo4j", $"cannot read the content: {e.Message}");
            }
        }
        return ExitCode.Success;
    }

    private static void WriteNeo4j(TextWriter output, SnapshotTree tree)
    {
        IReadOnlyList<Neo4jStoreFormat>? formats = Neo4jProbe.Detect(tree, out string reason);
        if (formats is null)
        {
            Row(output, "neo4j", "-" + (reason.Length > 0 ? $" ({reason})" : ""));
            return;
        }
        foreach (Neo4jStoreFormat format in formats)
        {
            Row(output, "neo4j", format.ToString());
        }
    }

    private static void Tags(TextWriter output, SnapshotStore store, string id)
    {
        List<string> tags = SnapshotTargets.TagsById(store)[id].ToList();
        if (tags.Count > 0)
        {
            Row(output, "tags", string.Join(", ", tags));
        }
    }

    private static void Row(TextWriter output, string label, string value) => output.WriteLine($"{label + ":",-12}{value}");
}
