using System.Globalization;
using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("log", HelpText =
    "Show the lineage of a snapshot, newest first: each snapshot's id, date, tags, new bytes (what it added to the "
    + "store), metadata and message, down to the base it lies on. For a session (name or mountpoint) the lineage "
    + "starts at its last commit, or at the snapshot it was mounted from.")]
public sealed class LogVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag|mountpoint|session", Required = true, HelpText = "Where the lineage starts.")]
    public string Target { get; set; } = "";

    [Option('n', "max-count", MetaValue = "N", HelpText = "Show at most N snapshots.")]
    public int? MaxCount { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("History of what is mounted at ~/db", new LogVerb { Target = "~/db" }),
        new("Lineage of a tagged snapshot", new LogVerb { Target = "release-3" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (MaxCount is <= 0)
        {
            throw new CliError(ExitCode.Usage, "--max-count must be at least 1");
        }
        StateDirectory state = StateDirectory.FromEnvironment();
        var store = new SnapshotStore(state.StoreDirectory);
        SnapshotTarget target = SnapshotTargets.Resolve(state, store, Target);
        if (target.Session is { } session)
        {
            output.WriteLine($"session {session.Name}: uncommitted changes over {(session.Parent is null ? "its base " + session.Base : "snapshot " + session.Parent)}");
            output.WriteLine();
        }
        string? start = target.SnapshotId;
        if (start is null)
        {
            WriteBase(store, target.Object?.Id, target.Session?.Base, output);
            return ExitCode.Success;
        }
        List<SnapshotRecord> chain = SnapshotTargets.Lineage(store, start, out string? broken);
        ILookup<string, string> tags = SnapshotTargets.TagsById(store);
        foreach (SnapshotRecord record in chain.Take(MaxCount ?? int.MaxValue))
        {
            Write(record, tags[record.Id].ToList(), output);
        }
        if (broken is not null)
        {
            error.WriteLine($"cowstore: lineage broken: {broken} (run cowstore verify)");
            return ExitCode.Failure;
        }
        if (MaxCount is null || chain.Count <= MaxCount)
        {
            WriteBase(store, chain[^1].BaseId, null, output);
        }
        return ExitCode.Success;
    }

    internal static void Write(SnapshotRecord record, IReadOnlyList<string> tags, TextWriter output)
    {
        output.WriteLine($"snapshot {record.Id}" + (tags.Count > 0 ? $"  (tag: {string.Join(", ", tags)})" : ""));
        output.WriteLine($"Date:   {record.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}");
        output.WriteLine($"New:    {ByteSize.Format(record.NewBytes)} ({record.NewBlocks.ToString(CultureInfo.InvariantCulture)} blocks)"
            + (record.FileCount is long files ? $", {files.ToString(CultureInfo.InvariantCulture)} files changed from the base" : ""));
        foreach ((string key, string value) in record.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"Meta:   {key}={value}");
        }
        output.WriteLine();
        output.WriteLine("    " + (string.IsNullOrEmpty(record.Message) ? "(no message)" : record.Message.ReplaceLineEndings(Environment.NewLine + "    ")));
        output.WriteLine();
    }

    private static void WriteBase(SnapshotStore store, string? baseId, string? directory, TextWriter output)
    {
        if (baseId is not null && store.ContainsBase(baseId))
        {
            BaseRecord record = store.ReadBase(baseId);
            output.WriteLine($"base {record.Id}  ({record.Kind}) {record.Path}" + (SnapshotStore.CheckBase(record) is string problem ? $"  [{problem}]" : ""));
        }
        else
        {
            output.WriteLine(baseId is null ? $"base {directory}" : $"base {baseId}  (not registered)");
        }
    }
}
