using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Sessions;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("import", HelpText =
    "Register a directory as a base identified by its content (every file is read and hashed) and print the base id "
    + "as the last line. The directory is used in place and never written: keep it unchanged (cowstore refuses to "
    + "mount a base that changed). The same content gets the same id wherever it lies, so a tree exported on one "
    + "machine and imported on another has the id it had there. Mount it with cowstore mount <id> <mountpoint>.")]
public sealed class ImportVerb : IVerb
{
    [Value(0, MetaName = "directory", Required = true, HelpText = "The read-only directory to register.")]
    public string Directory { get; set; } = "";

    [Option('t', "tag", MetaValue = "NAME", HelpText = "Also tag the base as NAME.")]
    public string? Tag { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Use a read-only copy of a database by id", new ImportVerb { Directory = "/srv/golden/db", Tag = "golden" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (Tag is not null && !SnapshotStore.IsValidTagName(Tag))
        {
            throw new CliError(ExitCode.Usage, $"invalid tag name \"{Tag}\": use 1-{SnapshotStore.MaxTagLength} of A-Z a-z 0-9 . _ -, not starting with . or -");
        }
        string directory = PathArguments.Absolute(Directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new CliError(ExitCode.NotFound, $"{Directory} is not a directory");
        }
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        BaseRecord record;
        using (var progress = new ProgressBar($"importing {directory}"))
        {
            record = store.ImportBase(directory, progress);
        }
        if (Tag is not null)
        {
            store.SetTag(Tag, record.Id);
        }
        output.WriteLine($"imported {record.Path} as base ({record.Kind})" + (Tag is null ? "" : $", tagged {Tag}"));
        output.WriteLine(record.Id);
        return ExitCode.Success;
    }
}
