using System.Runtime.CompilerServices;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Where the tests find the programs they run: the <c>cowstore</c> CLI (env <c>COWSTORE_BIN</c>,
/// else the copy the project reference puts next to this assembly) and the native
/// <c>posix-probe</c> (env <c>COWSTORE_PROBE</c>, else <c>&lt;repo&gt;/native/build/posix-probe</c>).
/// </summary>
internal static class TestBinaries
{
    /// <summary>File name and leading arguments to start the cowstore CLI.</summary>
    public static (string FileName, string[] Prefix) Cowstore()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("COWSTORE_BIN");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv)
                ? (fromEnv, [])
                : throw new InvalidOperationException($"COWSTORE_BIN={fromEnv} does not exist");
        }
        string dir = AppContext.BaseDirectory;
        string apphost = Path.Combine(dir, "cowstore");
        if (File.Exists(apphost))
        {
            return (apphost, []);
        }
        string dll = Path.Combine(dir, "cowstore.dll");
        if (File.Exists(dll))
        {
            return ("dotnet", [dll]);
        }
        throw new InvalidOperationException(
            $"cowstore not found: set COWSTORE_BIN or build the test project (it copies cowstore next to {dir})");
    }

    public static string Probe()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("COWSTORE_PROBE");
        string path = !string.IsNullOrEmpty(fromEnv)
            ? fromEnv
            : Path.Combine(RepositoryRoot() ?? "<repository not found above " + AppContext.BaseDirectory + ">",
                "native", "build", "posix-probe");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"posix-probe not found at {path}: run 'make -C native' in the repository (or set COWSTORE_PROBE)");
    }

    /// <summary>
    /// The checkout: the first directory holding CowStoreFs.sln above the test assembly, else above
    /// this source file as the compiler saw it (builds with --artifacts-path live outside the tree).
    /// </summary>
    public static string? RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        SolutionAbove(AppContext.BaseDirectory) ?? SolutionAbove(Path.GetDirectoryName(sourceFile));

    private static string? SolutionAbove(string? start)
    {
        for (DirectoryInfo? d = string.IsNullOrEmpty(start) ? null : new(start); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "CowStoreFs.sln")))
            {
                return d.FullName;
            }
        }
        return null;
    }
}
