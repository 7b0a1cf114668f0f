using System.Globalization;
using System.Text.RegularExpressions;

namespace CowStore.Store.Neo4j;

/// <summary>The version of a Neo4j server installation, e.g. <c>5.6.0</c> or <c>4.4.4</c>.</summary>
public sealed partial record Neo4jServerVersion(int Major, int Minor, int Patch)
{
    public override string ToString() => $"{Major}.{Minor}.{Patch}";

    /// <summary>The first <c>M.m[.p]</c> in <paramref name="text"/>: the output of <c>neo4j --version</c> ("neo4j 5.6.0").</summary>
    public static Neo4jServerVersion? Parse(string text)
    {
        Match match = VersionPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }
        int Group(int i) => match.Groups[i].Success ? int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        return new Neo4jServerVersion(Group(1), Group(2), Group(3));
    }

    /// <summary>
    /// The version in the name of the kernel jar of an installation (<c>lib/neo4j-kernel-4.4.4.jar</c>), for when
    /// <c>neo4j --version</c> cannot run (no JVM on the path); null if there is none.
    /// </summary>
    public static Neo4jServerVersion? FromHome(string neo4jHome)
    {
        string lib = Path.Combine(neo4jHome, "lib");
        if (!Directory.Exists(lib))
        {
            return null;
        }
        return Directory.EnumerateFiles(lib, "neo4j-kernel-*.jar")
            .Select(jar => Parse(Path.GetFileName(jar)["neo4j-kernel-".Length..]))
            .FirstOrDefault(v => v is not null);
    }

    /// <summary>The store family this server writes and opens without a migration.</summary>
    public Neo4jMajorFamily Family => Major switch
    {
        3 => Neo4jMajorFamily.Neo4j3,
        4 => Neo4jMajorFamily.Neo4j4,
        // Calendar versions (2025.x) continue the 5.x store line.
        >= 5 => Neo4jMajorFamily.Neo4j5,
        _ => Neo4jMajorFamily.Unknown,
    };

    [GeneratedRegex(@"(?<![\d.])(\d{1,4})\.(\d{1,3})(?:\.(\d{1,4}))?")]
    private static partial Regex VersionPattern();
}
