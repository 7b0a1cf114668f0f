using System.Runtime.CompilerServices;

namespace CowStore.IntegrationTests.Neo4j;

/// <summary>
/// The real Neo4j stores in <c>fixtures/neo4j/&lt;label&gt;/data</c>: env <c>COWSTORE_FIXTURES</c> (the
/// <c>fixtures</c> folder; run-tests.sh stages a readable copy for the unprivileged tier), else a
/// <c>shared/fixtures/neo4j</c> beside any directory above the test assembly or this source file.
/// Missing fixtures fail the test, they never skip it. (The unit tests carry the same lookup; the
/// two test assemblies share no source.)
/// </summary>
internal static class Neo4jFixtures
{
    private static readonly Lazy<string> s_root = new(() => Locate());

    /// <summary>The Neo4j data directory of fixture <paramref name="label"/>; fails if it is missing.</summary>
    public static string DataDirectory(string label)
    {
        string data = Path.Combine(s_root.Value, label, "data");
        return Directory.Exists(data) ? data : throw new InvalidOperationException($"Neo4j fixture {label} missing: no {data}");
    }

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        string? configured = Environment.GetEnvironmentVariable("COWSTORE_FIXTURES");
        if (!string.IsNullOrEmpty(configured))
        {
            string fromEnv = Path.Combine(configured, "neo4j");
            return Directory.Exists(fromEnv)
                ? fromEnv
                : throw new InvalidOperationException($"COWSTORE_FIXTURES={configured} has no neo4j/ folder");
        }
        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)];
        foreach (string? start in starts)
        {
            for (DirectoryInfo? d = string.IsNullOrEmpty(start) ? null : new(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "shared", "fixtures", "neo4j");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException(
            $"Neo4j fixtures not found: set COWSTORE_FIXTURES to the shared fixtures folder, or keep shared/fixtures/neo4j "
            + $"beside the repository (searched above {AppContext.BaseDirectory} and {sourceFile})");
    }
}
