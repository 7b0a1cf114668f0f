using System.Diagnostics;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Posix.Model;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>
/// The random-operation model test: a seeded stream of writes, truncates, renames, links, unlinks,
/// mkdir/rmdir, fsyncs, fallocates, mmap writes and reopens runs against the backend and against a
/// plain reference directory on the same host; every result must match (see <see cref="TwinRunner"/>).
/// Default 100,000 operations with a fixed seed; <c>COWSTORE_SOAK=1</c> runs 2,000,000 with a fresh
/// seed; <c>COWSTORE_MODEL_SEED</c>/<c>COWSTORE_MODEL_OPS</c> reproduce a failure.
/// </summary>
public abstract class RandomOperationModelTests : IDisposable
{
    private readonly FilesystemBackend _backend;
    private readonly ITestOutputHelper _output;
    private readonly string _reference;

    protected RandomOperationModelTests(FilesystemBackend backend, ITestOutputHelper output)
    {
        _backend = backend;
        _output = output;
        backend.TakeDiagnostics();
        _reference = TestDirectory.Create($"{nameof(RandomOperationsMatchAPlainDirectory)}-reference");
        SeedLayout.Populate(_reference, [nameof(RandomOperationsMatchAPlainDirectory)]);
    }

    public static IEnumerable<string> TestNames => SeedLayout.TestNamesOf(typeof(RandomOperationModelTests));

    [Fact]
    public void RandomOperationsMatchAPlainDirectory()
    {
        ModelSettings settings = ModelSettings.FromEnvironment();
        _output.WriteLine($"{_backend.Name}: seed {settings.Seed}, {settings.Operations} operations ({settings.RerunHint})");
        string name = nameof(RandomOperationsMatchAPlainDirectory);
        var clock = Stopwatch.StartNew();
        using (var runner = new TwinRunner(_backend.TestDirectoryFor(name), Path.Combine(_reference, name), settings))
        {
            runner.Run();
            _output.WriteLine(runner.Summary);
        }
        _output.WriteLine($"{settings.Operations} operations in {clock.Elapsed.TotalSeconds:F1} s");
    }

    public void Dispose()
    {
        TestDirectory.DeleteQuietly(_reference);
        string diagnostics = _backend.TakeDiagnostics();
        if (diagnostics.Length > 0)
        {
            _output.WriteLine($"{_backend.Name} daemon output during this test:\n{diagnostics}");
        }
        _backend.CheckHealth();
        GC.SuppressFinalize(this);
    }
}
