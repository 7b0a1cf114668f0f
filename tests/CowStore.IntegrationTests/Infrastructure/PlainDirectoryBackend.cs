namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>The reference backend: a directory on the host filesystem, no FUSE.</summary>
public class PlainDirectoryBackend : FilesystemBackend
{
    private readonly string _root;

    public PlainDirectoryBackend(IEnumerable<string> testNames)
    {
        _root = TestDirectory.Create("plain");
        Seed(_root, testNames);
    }

    public override string Name => "plain";

    public override string Root => _root;

    protected override void Dispose(bool disposing) => TestDirectory.DeleteQuietly(_root);
}
