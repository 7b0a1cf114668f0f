using System.Runtime.CompilerServices;

namespace CowStore.Tests.Common;

/// <summary>
/// The real Neo4j stores in <c>shared/fixtures/neo4j/&lt;label&gt;/data</c> (see PROVENANCE.md there):
/// env <c>COWSTORE_FIXTURES</c> (the <c>fixtures</c> folder), else a <c>shared/fixtures/neo4j</c> beside
/// any directory above the test assembly or above this source file. Missing fixtures fail the test:
/// a reader test that silently passes without stores proves nothing. Linked into both test projects;
/// run-tests.sh stages a readable copy for the unprivileged tier.
/// </summary>
internal static class Neo4jFixtures
{
    private static readonly Lazy<string> s_root = new(Locate);

    /// <summary>Every fixture the suite knows, in the order of PROVENANCE.md.</summary>
    public static readonly string[] Labels =
    [
        "3.5-v0.A.9", "4.0-SF4.0.0", "4.2-AF4.1.a", "4.4-AF4.3.0", "5.3-record-aligned-1.1", "5.6-record-aligned-1.1",
    ];

    /// <summary>The <c>fixtures/neo4j</c> folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>The Neo4j data directory of fixture <paramref name="label"/>; fails if it is missing.</summary>
    public static string DataDirectory(string label)
    {
        string data = Path.Combine(Root, label, "data");
        return Directory.Exists(data) ? data : throw new InvalidOperationException($"Neo4j fixture {label} missing: no {data}");
    }

    /// <summary>The fixture folders actually present.</summary>
    public static IReadOnlyList<string> PresentLabels() =>
        Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();

    private static string Locate() => LocateFrom();

    private static string LocateFrom([CallerFilePath] string sourceFile = "")
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
