using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>Runs a helper program as the test process itself and fails the test if it fails.</summary>
internal static class Shell
{
    public static ProcessResult Checked(string program, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ProcessResult result = ProcessRunner.Run(program, arguments, timeout);
        return result.ExitCode == 0 ? result : throw new Xunit.Sdk.XunitException(result.ToString());
    }
}
