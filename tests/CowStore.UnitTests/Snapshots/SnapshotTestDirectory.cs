using System.Runtime.CompilerServices;

namespace CowStore.UnitTests.Snapshots;

/// <summary>A per-test temp directory named after the test, deleted in Dispose.</summary>
internal sealed class SnapshotTestDirectory : IDisposable
{
    public SnapshotTestDirectory([CallerMemberName] string testName = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "cowstore-snapshot-tests", $"{testName}-{Environment.ProcessId}");
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    public string CreateDirectory(string name) => Directory.CreateDirectory(PathOf(name)).FullName;

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
