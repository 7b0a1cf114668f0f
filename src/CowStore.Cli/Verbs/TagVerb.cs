using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("tag", HelpText =
    "Name a snapshot (or base): cowstore tag <id|prefix> <name> points the tag at it (moving it if it exists). "
    + "cowstore tag -d <name> removes a tag; cowstore tag alone lists every tag. Tags work wherever an id does "
    + "(mount, log, diff, export, ...) and keep what they name, with its lineage, safe from cowstore gc. "
    + "A tag is 1-100 of A-Z a-z 0-9 . _ -, not starting with . or -.")]
public sealed class TagVerb : IVerb
{
    [Value(0, MetaName = "id|prefix", HelpText = "The snapshot or base to name (an id, a unique prefix of at least 4 characters, or another tag).")]
    public string? Target { get; set; }

    [Value(1, MetaName = "name", HelpText = "The tag.")]
    public string? Name { get; set; }

    [Option('d', "delete", MetaValue = "NAME", HelpText = "Remove the tag NAME (the snapshot stays until gc finds nothing else keeps it).")]
    public string? Delete { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Name a snapshot", new TagVerb { Target = "0f3k9x", Name = "before-migration" }),
        new("Remove a tag", new TagVerb { Delete = "before-migration" }),
        new("List tags", new TagVerb()),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        if (Delete is not null)
        {
            if (Target is not null)
            {
                throw new CliError(ExitCode.Usage, "tag -d takes only the tag name");
            }
            RequireName(Delete);
            if (!store.DeleteTag(Delete))
            {
                throw new CliError(ExitCode.NotFound, $"no tag named {Delete}");
            }
            output.WriteLine($"deleted tag {Delete}");
            return ExitCode.Success;
        }
        if (Target is null)
        {
            List(store, output);
            return ExitCode.Success;
        }
        if (Name is null)
        {
            throw new CliError(ExitCode.Usage, "give the snapshot and the tag name: cowstore tag <id|prefix> <name>");
        }
        RequireName(Name);
        StoreObject found = SnapshotTargets.ResolveObject(store, Target);
        string? previous = store.ReadTag(Name);
        store.SetTag(Name, found.Id);
        output.WriteLine(previous is null || previous == found.Id
            ? $"tagged {found.Kind.ToString().ToLowerInvariant()} {found.Id} as {Name}"
            : $"moved tag {Name} from {previous} to {found.Kind.ToString().ToLowerInvariant()} {found.Id}");
        return ExitCode.Success;
    }

    private static void List(SnapshotStore store, TextWriter output)
    {
        IReadOnlyDictionary<string, string> tags = store.ListTags();
        if (tags.Count == 0)
        {
            output.WriteLine("no tags");
            return;
        }
        int width = tags.Keys.Max(k => k.Length);
        foreach ((string name, string id) in tags)
        {
            string what = store.Contains(id) ? Describe(store, id) : store.ContainsBase(id) ? "base " + store.ReadBase(id).Path : "(missing)";
            output.WriteLine($"{name.PadRight(width)}  {id}  {what}");
        }
    }

    private static string Describe(SnapshotStore store, string id)
    {
        SnapshotRecord record = store.ReadRecord(id);
        return $"{record.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}  {record.Message ?? ""}".TrimEnd();
    }

    private static void RequireName(string name)
    {
        if (!SnapshotStore.IsValidTagName(name))
        {
            throw new CliError(ExitCode.Usage, $"invalid tag name \"{name}\": use 1-{SnapshotStore.MaxTagLength} of A-Z a-z 0-9 . _ -, not starting with . or -");
        }
    }
}
