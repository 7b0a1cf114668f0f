using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Sessions;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Nix;

namespace CowStore.Cli.Verbs;

[Verb("export", HelpText =
    "Write a snapshot (or base) as an ordinary directory tree: file contents, permission bits, symlinks, user.* "
    + "xattrs and modification times; all-zero 4 KiB blocks become holes, so sparse files stay sparse. Owners are "
    + "the exporting user's. The tree is built next to <dir> and renamed into place when complete, so <dir> never "
    + "holds half an export. <dir> must not exist or be empty. A damaged block stops the export with an error. "
    + "With --to-nix the tree is added to the Nix store instead (content-addressed, nix-store --add-fixed --recursive "
    + "sha256) and the store path is printed last; Nix keeps only the executable bit of modes and drops xattrs.")]
public sealed class ExportVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag", Required = true, HelpText = "The snapshot or base to export.")]
    public string Target { get; set; } = "";

    [Value(1, MetaName = "dir", HelpText = "Where the tree goes (absent or empty); not with --to-nix.")]
    public string? Destination { get; set; }

    [Option("to-nix", HelpText = "Add the tree to the Nix store as a content-addressed path and print that path (needs write access to the Nix store).")]
    public bool ToNix { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Hand a snapshot to a tool that needs a plain directory", new ExportVerb { Target = "release-3", Destination = "/srv/export/db" }),
        new("Put a snapshot into the Nix store (prints /nix/store/<hash>-cowstore-release-3)", new ExportVerb { Target = "release-3", ToNix = true }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (ToNix == (Destination is not null))
        {
            throw new CliError(ExitCode.Usage, ToNix ? "--to-nix takes no <dir>: the Nix store is the destination" : "give the <dir> to export to, or --to-nix");
        }
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        StoreObject source = SnapshotTargets.ResolveObject(store, Target);
        using SnapshotTree tree = OpenTree(store, source);
        if (ToNix)
        {
            return ExportToNix(tree, store, source, output);
        }
        string destination = PathArguments.Absolute(Destination!);
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

    /// <summary>Exports into the store's tmp/ (same filesystem, swept by gc if killed), adds that to the Nix store, prints the store path last.</summary>
    private ExitCode ExportToNix(SnapshotTree tree, SnapshotStore store, StoreObject source, TextWriter output)
    {
        string staging = Path.Combine(store.TmpDirectory, $"export-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            ExportResult result = ExportToDirectory(tree, staging);
            string name = NixStore.IsValidName($"cowstore-{Target}") && !SnapshotId.IsValidPrefix(Target) ? $"cowstore-{Target}" : $"cowstore-{source.Id[..12]}";
            string storePath;
            try
            {
                storePath = NixStore.AddFixedRecursive(staging, name);
            }
            catch (NixException e)
            {
                throw new CliError(ExitCode.Failure, $"adding the export to the Nix store failed: {e.Message}");
            }
            output.WriteLine($"exported {source.Kind.ToString().ToLowerInvariant()} {SnapshotTargets.Short(source.Id)} to the Nix store: {result.Files} files ({ByteSize.Format(result.LogicalBytes)})");
            output.WriteLine(storePath);
            return ExitCode.Success;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                SessionCatalog.RemoveTree(staging);
            }
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
