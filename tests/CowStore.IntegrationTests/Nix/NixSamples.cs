using System.Security.Cryptography;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary>
/// Builds the sample databases of <c>scripts/nix</c> with the real <c>nix-build</c> (single-user Nix, as root).
/// Nix missing is a failure, never a skip: run scripts/setup-system.sh.
/// </summary>
internal static class NixSamples
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(5);

    public static string NixExpressions =>
        Path.Combine(TestBinaries.RepositoryRoot() ?? throw new InvalidOperationException("repository not found"), "scripts", "nix");

    /// <summary>
    /// nix-build of <c>samples.&lt;attribute&gt;</c>. With <paramref name="outLink"/> the result is a GC root for as
    /// long as that link exists; <paramref name="version"/> makes a store path no other test shares.
    /// </summary>
    public static string Build(string attribute, string version = "1", string? outLink = null)
    {
        var arguments = new List<string> { NixExpressions, "-A", $"samples.{attribute}", "--argstr", "sampleVersion", version };
        arguments.AddRange(outLink is null ? ["--no-out-link"] : ["--out-link", outLink]);
        ProcessResult result = Nix("nix-build", arguments, s_buildTimeout);
        string storePath = result.Stdout.Trim().Split('\n').Last();
        Assert.StartsWith("/nix/store/", storePath, StringComparison.Ordinal);
        Assert.True(Directory.Exists(storePath), $"nix-build printed {storePath}, which does not exist");
        return storePath;
    }

    /// <summary>Runs a Nix tool; fails the test with what it printed unless it exits 0.</summary>
    public static ProcessResult Nix(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ProcessResult result = TryNix(tool, arguments, timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    public static ProcessResult TryNix(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        string path = Path.Combine("/usr/bin", tool);
        Assert.True(File.Exists(path) || Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, tool))),
            $"{tool} is not installed: the Nix tests need Debian's nix-bin (scripts/setup-system.sh installs and configures it)");
        // The build machines are offline: never wait for a binary cache.
        return ProcessRunner.Run(tool, ["--option", "substituters", "", .. arguments], timeout ?? TimeSpan.FromMinutes(2));
    }

    /// <summary>Every regular file under <paramref name="root"/> with its SHA-256, and every symlink target.</summary>
    public static SortedDictionary<string, string> Fingerprint(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, path);
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                files[relative] = "-> " + info.LinkTarget;
            }
            else if (File.Exists(path))
            {
                using FileStream stream = File.OpenRead(path);
                files[relative] = Convert.ToHexString(SHA256.HashData(stream)) + (((int)info.UnixFileMode & 0b001_001_001) != 0 ? " x" : "");
            }
            else
            {
                files[relative] = "dir";
            }
        }
        return files;
    }
}
