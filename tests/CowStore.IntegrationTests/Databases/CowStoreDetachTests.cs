using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// Database wrappers (scripts/cowstore-neo4j, a test harness) take the session name from
/// <c>name=$(cowstore mount ...)</c>. That only returns if the daemon left behind holds none of the
/// caller's stdio: the reader of a pipe sees end of file only when every writer closed it.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class CowStoreDetachTests(ITestOutputHelper output) : DatabaseTest(output)
{
    [Fact]
    public void TheDaemonKeepsNoneOfTheMountCommandsOutputOpen()
    {
        EngineWorkspace ws = CurrentUserWorkspace();
        File.WriteAllText(Path.Combine(ws.Base, "data"), "base");
        ws.SealBase();

        CowStoreSession session = ws.Mount();
        (string stdout, string stderr) = ws.Cli.LastMountOutputFiles;
        int daemon = session.DaemonPid();

        var held = new List<string>();
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{daemon}/fd"))
        {
            string? target = new FileInfo(fd).LinkTarget;
            if (target == stdout || target == stderr)
            {
                held.Add($"fd {Path.GetFileName(fd)} -> {target}");
            }
        }
        Assert.True(held.Count == 0,
            $"the daemon (pid {daemon}) still holds the stdout/stderr of the `cowstore mount` that started it: {string.Join(", ", held)}. " +
            "Through a pipe, as in name=$(cowstore mount ...), the caller waits for end of file until the daemon exits.");
        session.Umount();
    }
}
