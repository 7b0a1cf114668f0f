using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>A copy-on-write mount whose read-only base holds one 1 GiB file of real (non-sparse) data.</summary>
public sealed class LargeBaseCowBackend() : CowMountBackend([])
{
    public const string FileName = "big.dat";
    public const long FileSize = 1L << 30;

    protected override void PrepareSource(string source, string workDirectory)
    {
        LargeFile.Write(Path.Combine(source, FileName), FileSize);
        base.PrepareSource(source, workDirectory);
    }
}
