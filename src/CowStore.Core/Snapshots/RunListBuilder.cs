namespace CowStore.Core.Snapshots;

/// <summary>Builds a file's run list, merging each added run into the previous one when they continue each other.</summary>
internal sealed class RunListBuilder
{
    public List<ContentRun> Runs { get; } = [];

    public void Add(ContentRun run)
    {
        if (Runs.Count > 0)
        {
            ContentRun last = Runs[^1];
            bool continues = last.Kind == run.Kind && run.Kind switch
            {
                RunKind.Zero => true,
                RunKind.Base => last.BasePath == run.BasePath,
                _ => last.Pack == run.Pack && last.FirstBlock + last.Count == run.FirstBlock,
            };
            if (continues)
            {
                Runs[^1] = last with { Count = last.Count + run.Count };
                return;
            }
        }
        Runs.Add(run);
    }
}
