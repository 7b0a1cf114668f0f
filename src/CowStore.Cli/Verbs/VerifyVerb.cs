using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Output;
using CowStore.Cli.Snapshots;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Verbs;

[Verb("verify", HelpText =
    "Re-hash the store: every manifest against its id, every block a snapshot needs against its SHA-256, every "
    + "pack index, every base against what was registered. Prints each problem on its own line (the damaged "
    + "object's path in the store first, then what uses it) and exits with 1 when anything is damaged or missing. "
    + "Read-only. With an id, checks only that snapshot (its manifest, the packs it uses and its base).")]
public sealed class VerifyVerb : IVerb
{
    [Value(0, MetaName = "id|prefix|tag", HelpText = "Check only this snapshot (default: the whole store).")]
    public string? Target { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Check the whole store", new VerifyVerb()),
        new("Check one snapshot", new VerifyVerb { Target = "release-3" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        var store = new SnapshotStore(StateDirectory.FromEnvironment().StoreDirectory);
        string? id = Target is null ? null : SnapshotTargets.ResolveSnapshot(store, Target);
        IReadOnlyList<string> problems;
        using (var progress = new ProgressBar(id is null ? "verifying the store" : $"verifying {SnapshotTargets.Short(id)}"))
        {
            problems = StoreVerifier.Verify(store, id, progress);
        }
        foreach (string problem in problems)
        {
            output.WriteLine(problem);
        }
        string scope = id is null ? $"store {store.Root}" : $"snapshot {id}";
        if (problems.Count > 0)
        {
            error.WriteLine($"cowstore: {scope}: {problems.Count} problem(s) found");
            return ExitCode.Failure;
        }
        output.WriteLine(id is null
            ? $"store {store.Root}: {store.SnapshotIds().Count} snapshots, {store.PackIds().Count} packs, {store.BaseIds().Count} bases verified, no problems"
            : $"snapshot {id}: verified, no problems");
        return ExitCode.Success;
    }
}
