namespace CowStore.IntegrationTests.Posix.Model;

/// <summary>
/// Seed and length of a model run. Rerun a failure with the printed values:
/// <c>COWSTORE_MODEL_SEED=&lt;seed&gt; COWSTORE_MODEL_OPS=&lt;n&gt;</c>; <c>COWSTORE_SOAK=1</c> runs 2,000,000 operations.
/// </summary>
internal sealed record ModelSettings(int Seed, int Operations)
{
    public const int DefaultSeed = 20261123;
    public const int DefaultOperations = 100_000;
    public const int SoakOperations = 2_000_000;

    public static ModelSettings FromEnvironment()
    {
        bool soak = Environment.GetEnvironmentVariable("COWSTORE_SOAK") == "1";
        int seed = int.TryParse(Environment.GetEnvironmentVariable("COWSTORE_MODEL_SEED"), out int s) ? s
            : soak ? Environment.TickCount : DefaultSeed;
        int ops = int.TryParse(Environment.GetEnvironmentVariable("COWSTORE_MODEL_OPS"), out int n) ? n
            : soak ? SoakOperations : DefaultOperations;
        return new ModelSettings(seed, ops);
    }

    public string RerunHint => $"COWSTORE_MODEL_SEED={Seed} COWSTORE_MODEL_OPS={Operations}";
}
