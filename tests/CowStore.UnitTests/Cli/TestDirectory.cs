using System.Runtime.CompilerServices;

namespace CowStore.UnitTests.Cli;

/// <summary>A temp directory named after the test, deleted on Dispose.</summary>
internal sealed class TestDirectory : IDisposable
{
    public TestDirectory([CallerMemberName] string testName = "")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cowstore-unit", $"{testName}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
