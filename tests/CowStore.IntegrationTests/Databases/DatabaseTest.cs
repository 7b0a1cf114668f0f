using System.Runtime.CompilerServices;
using CowStore.IntegrationTests.Databases.Support;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// Base of the database tests: one workspace per test, named after it, disposed by xunit after the
/// test (so a cleanup failure is reported next to the test's own failure instead of hiding it).
/// </summary>
public abstract class DatabaseTest(ITestOutputHelper output) : IDisposable
{
    private EngineWorkspace? _workspace;

    protected ITestOutputHelper Output => output;

    /// <summary>A workspace whose engine and mount run unprivileged (cowstore-test when we are root).</summary>
    private protected EngineWorkspace UnprivilegedWorkspace([CallerMemberName] string test = "") =>
        Open(EngineWorkspace.ForUnprivilegedEngine(test));

    /// <summary>A workspace whose engine and mount run as the test process itself.</summary>
    private protected EngineWorkspace CurrentUserWorkspace([CallerMemberName] string test = "") =>
        Open(EngineWorkspace.ForCurrentUser(test));

    private protected void ReportDelta(string engine, string moment, long bytes) =>
        output.WriteLine($"delta footprint [{engine}] {moment}: {bytes:N0} bytes ({bytes / 1048576.0:F2} MiB)");

    private EngineWorkspace Open(EngineWorkspace workspace)
    {
        if (_workspace is not null)
        {
            workspace.Dispose();
            throw new InvalidOperationException("one workspace per test");
        }
        _workspace = workspace;
        output.WriteLine($"workspace {workspace.Root}; engine runs as {workspace.User.Description}, cowstore as the test process");
        return workspace;
    }

    public void Dispose()
    {
        _workspace?.Dispose();
        GC.SuppressFinalize(this);
    }
}
