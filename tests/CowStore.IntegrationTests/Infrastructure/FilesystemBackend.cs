namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Where a conformance test class runs: a directory tree the tests operate on through ordinary
/// syscalls. One instance serves a whole test class (an xunit class fixture); each test gets its
/// own subdirectory named after the test, pre-populated with <see cref="SeedLayout"/>.
/// Subclasses: <see cref="PlainDirectoryBackend"/> (the reference), <see cref="DaemonMountBackend"/>
/// (a cowstore process serving a FUSE mount: loopback today, copy-on-write next).
/// </summary>
public abstract class FilesystemBackend : IDisposable
{
    private readonly HashSet<string> _seeded = [];

    /// <summary>Short name for messages ("plain", "loopback", ...).</summary>
    public abstract string Name { get; }

    /// <summary>The directory the tests see.</summary>
    public abstract string Root { get; }

    /// <summary>True when a separate process serves <see cref="Root"/> (so this process may mmap it).</summary>
    public virtual bool IsFuse => false;

    /// <summary>Test names whose directories were seeded before the backend went live.</summary>
    protected IReadOnlySet<string> Seeded => _seeded;

    /// <summary>The test's own directory, seeded when the backend was prepared.</summary>
    public string TestDirectoryFor(string testName)
    {
        CheckHealth();
        string dir = Path.Combine(Root, testName);
        if (!_seeded.Contains(testName))
        {
            throw new InvalidOperationException(
                $"{testName} was not seeded: seed names come from the [Fact]s of the test class given to the backend");
        }
        return dir;
    }

    /// <summary>Fails the test if the backend died (with the daemon's output) or broke an invariant.</summary>
    public virtual void CheckHealth()
    {
    }

    /// <summary>Output the serving process produced since the last call (empty for a plain directory).</summary>
    public virtual string TakeDiagnostics() => "";

    protected void Seed(string directory, IEnumerable<string> testNames)
    {
        string[] names = testNames.ToArray();
        SeedLayout.Populate(directory, names);
        _seeded.UnionWith(names);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
