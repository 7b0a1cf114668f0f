using System.Globalization;
using System.Text.Json;
using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("ls", HelpText =
    "List every snapshot, oldest first: id, date, new bytes (what it added to the store when committed), unique "
    + "bytes (stored blocks no other snapshot references: about what gc frees once nothing keeps it), tags and "
    + "message. Registered bases are listed after the snapshots.")]
public sealed class LsVerb : IVerb
{
    [Option("json", HelpText = "Print a JSON array (id, parentId, baseId, createdAt, message, tags, newBytes, referencedBytes, uniqueBytes, metadata).")]
    public bool Json { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("List snapshots", new LsVerb()),
        new("For scripts", new LsVerb { Json = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        List<SnapshotRecord> records = store.ListSnapshots().ToList();
        Dictionary<string, SnapshotUsage.Usage> usage = SnapshotUsage.Measure(store, records.Select(r => r.Id));
        ILookup<string, string> tags = SnapshotTargets.TagsById(store);
        List<SnapshotListing> listing = records.Select(r => new SnapshotListing
        {
            Id = r.Id,
            ParentId = r.ParentId,
            BaseId = r.BaseId,
            CreatedAt = r.CreatedAt,
            Message = r.Message,
            Tags = tags[r.Id].ToList(),
            NewBytes = r.NewBytes,
            ReferencedBytes = usage[r.Id].ReferencedBytes,
            UniqueBytes = usage[r.Id].UniqueBytes,
            Metadata = r.Metadata,
        }).ToList();
        if (Json)
        {
            output.WriteLine(JsonSerializer.Serialize(listing, SnapshotListingJsonContext.Default.ListSnapshotListing));
            return ExitCode.Success;
        }
        if (listing.Count == 0)
        {
            output.WriteLine("no snapshots");
        }
        else
        {
            var table = new List<string[]> { new[] { "ID", "DATE", "NEW", "UNIQUE", "TAGS", "MESSAGE" } };
            table.AddRange(listing.Select(s => new[]
            {
                SnapshotTargets.Short(s.Id),
                s.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ByteSize.Format(s.NewBytes),
                ByteSize.Format(s.UniqueBytes),
                s.Tags.Count == 0 ? "-" : string.Join(",", s.Tags),
                (s.Message ?? "").ReplaceLineEndings(" "),
            }));
            WriteTable(output, table);
        }
        List<BaseRecord> bases = store.ListBases().ToList();
        if (bases.Count > 0)
        {
            output.WriteLine();
            var table = new List<string[]> { new[] { "BASE", "KIND", "TAGS", "PATH" } };
            table.AddRange(bases.Select(b => new[]
            {
                SnapshotTargets.Short(b.Id),
                b.Kind,
                tags[b.Id].Any() ? string.Join(",", tags[b.Id]) : "-",
                b.Path + (SnapshotStore.CheckBase(b) is string problem ? $"  [{problem}]" : ""),
            }));
            WriteTable(output, table);
        }
        return ExitCode.Success;
    }

    private static void WriteTable(TextWriter output, List<string[]> table)
    {
        int columns = table[0].Length;
        int[] widths = Enumerable.Range(0, columns - 1).Select(c => table.Max(row => row[c].Length)).ToArray();
        foreach (string[] row in table)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)).TrimEnd());
        }
    }
}
