using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("squash", HelpText =
    "Write the single-layer equivalent of a snapshot (same content, no parent) and print its id as the last line. "
    + "Snapshots record their full content against the base, so this copies no block and takes a moment; the id "
    + "follows the usual rules, so it equals the id a session making the same changes directly on the base would "
    + "commit to. The original snapshot stays (tag the squashed one and let gc drop the chain). Safe to interrupt "
    + "and re-run.")]
public sealed class SquashVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag", Required = true, HelpText = "The snapshot to squash.")]
    public string Target { get; set; } = "";

    [Option('m', "message", MetaValue = "TEXT", HelpText = "Message of the squashed snapshot (default: the original's).")]
    public string? Message { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Flatten a long lineage", new SquashVerb { Target = "release-3" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        string id = SnapshotTargets.ResolveSnapshot(store, Target);
        int depth = SnapshotTargets.Lineage(store, id, out _).Count;
        SquashResult result;
        try
        {
            result = SnapshotSquasher.Squash(store, id, Message);
        }
        catch (FileNotFoundException e)
        {
            throw new CliError(ExitCode.Failure, $"snapshot {id} is incomplete: {e.Message} (run cowstore verify)");
        }
        catch (InvalidOperationException e)
        {
            throw new CliError(ExitCode.Failure, $"cannot squash {id}: {e.Message}");
        }
        output.WriteLine(result.Id == id
            ? $"snapshot {id} lies directly on its base already"
            : result.AlreadyExisted
                ? $"the store already holds the single-layer equivalent of {SnapshotTargets.Short(id)} ({depth} layers)"
                : $"squashed {SnapshotTargets.Short(id)} ({depth} layers) into a single-layer snapshot");
        output.WriteLine(result.Id);
        return ExitCode.Success;
    }
}
