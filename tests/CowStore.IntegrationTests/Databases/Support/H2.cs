using System.Text.RegularExpressions;
using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// The H2 database (Debian's libh2-java, 2.1.x) through its own command-line tools, one JVM per
/// call: <c>org.h2.tools.RunScript</c> for scripts, <c>org.h2.tools.Shell</c> for queries and, kept
/// open on a stdin pipe, for a connection that holds the database (and its file lock).
/// </summary>
internal sealed partial class H2(EngineUser user, string databasePath)
{
    public const string Jar = "/usr/share/java/h2.jar";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    /// <summary>Embedded mode on a file: <c>&lt;path&gt;.mv.db</c> (MVStore).</summary>
    public string Url => $"jdbc:h2:file:{databasePath}";

    public void RunScript(string scriptFile) =>
        user.RunChecked("java", [.. ClassPath, "org.h2.tools.RunScript", "-url", Url, "-user", "sa", "-password", "", "-script", scriptFile], s_timeout);

    public ProcessResult TryQuery(string sql) =>
        user.Run("java", [.. ClassPath, "org.h2.tools.Shell", "-url", Url, "-user", "sa", "-password", "", "-sql", sql], s_timeout);

    /// <summary>A query whose single value is a number; the value is tagged so the Shell's table framing cannot be mistaken for it.</summary>
    public long Long(string expression)
    {
        ProcessResult result = TryQuery($"SELECT 'value=' || ({expression})");
        Match match = ValuePattern().Match(result.Stdout);
        return result.ExitCode == 0 && match.Success
            ? long.Parse(match.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException($"H2 query failed: {expression}\n{result}");
    }

    /// <summary>An interactive Shell: connected (and holding the database) once it printed its welcome.</summary>
    public BackgroundProcess StartShell() =>
        BackgroundProcess.Start(user, "java", [.. ClassPath, "org.h2.tools.Shell", "-url", Url, "-user", "sa", "-password", ""]);

    private static string[] ClassPath =>
        File.Exists(Jar) ? ["-cp", Jar] : throw new Xunit.Sdk.XunitException($"{Jar} is missing: install libh2-java (make system)");

    [GeneratedRegex(@"value=(-?\d+)")]
    private static partial Regex ValuePattern();
}
