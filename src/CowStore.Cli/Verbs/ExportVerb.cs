using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Sessions;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("export", HelpText =
    "Write a snapshot (or base) as an ordinary directory tree: file contents, permission bits, symlinks, user.* "
    + "xattrs and modification times; all-zero 4 KiB blocks become holes, so sparse files stay sparse. Owners are "
    + "the exporting user's. The tree is built next to <dir> and renamed into place when complete, so <dir> never "
    + "holds half an export. <dir> must not exist or be empty. A damaged block stops the export with an error.")]
public sealed class ExportVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag", Required = true, HelpText = "The snapshot or base to export.")]
    public string Target { get; set; } = "";

    [Value(1, MetaName = "dir", Required = true, HelpText = "Where the tree goes (absent or empty).")]
    public string Destination { get; set; } = "";

    // Extension point: other destinations (e.g. --to-nix, adding the tree to the Nix store) choose a different
    // Export* method below; the source side (SnapshotTree) is the same for all of them.

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Hand a snapshot to a tool that needs a plain directory", new ExportVerb { Target = "release-3", Destination = "/srv/export/db" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        StoreObject source = SnapshotTargets.ResolveObject(store, Target);
        string destination = PathArguments.Absolute(Destination);
        using SnapshotTree tree = OpenTree(store, source);
        ExportResult result = ExportToDirectory(tree, destination);
        output.WriteLine($"exported {source.Kind.ToString().ToLowerInvariant()} {SnapshotTargets.Short(source.Id)} to {destination}: "
            + $"{result.Files} files ({ByteSize.Format(result.LogicalBytes)}, {ByteSize.Format(result.DataBytes)} written), "
            + $"{result.Directories} directories, {result.Symlinks} symlinks");
        if (result.SkippedSpecial > 0)
        {
            error.WriteLine($"cowstore: warning: {result.SkippedSpecial} device, fifo or socket files could not be created and were left out");
        }
        return ExitCode.Success;
    }

    internal static SnapshotTree OpenTree(SnapshotStore store, StoreObject source)
    {
        try
        {
            return source.Kind == StoreObjectKind.Snapshot ? SnapshotTree.OpenSnapshot(store, source.Id) : SnapshotTree.OpenBase(store, source.Id);
        }
        catch (InvalidDataException e)
        {
            throw new CliError(ExitCode.Failure, $"{source.Id} is damaged: {e.Message} (run cowstore verify)");
        }
        catch (FileNotFoundException e)
        {
            throw new CliError(ExitCode.Failure, $"{source.Id} is incomplete: {e.Message} (run cowstore verify)");
        }
        catch (IOException e)
        {
            throw new CliError(ExitCode.Failure, $"{source.Id} cannot be read: {e.Message}");
        }
    }

    private static ExportResult ExportToDirectory(SnapshotTree tree, string destination)
    {
        if (File.Exists(destination) || (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any()))
        {
            throw new CliError(ExitCode.Conflict, $"{destination} exists and is not an empty directory");
        }
        using var progress = new ProgressBar($"exporting to {destination}");
        return SnapshotExporter.Export(tree, destination, progress);
    }
}
