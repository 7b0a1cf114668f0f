using CowStore.IntegrationTests.Infrastructure;
using CowStore.Store.Nix;
using Xunit;

namespace CowStore.IntegrationTests.Nix;

/// <summary><see cref="NixStore.AddFixedRecursive"/> (what <c>cowstore export --to-nix</c> uses) round-trips a tree.</summary>
[Trait("Requires", "root")]
public sealed class NixAddFixedTests : IDisposable
{
    private readonly string _root = TestDirectory.Create(nameof(NixAddFixedTests));
    private readonly List<string> _added = [];

    [Fact]
    public void AddFixedRecursive_RoundTripsADirectory_SameContentSamePath()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        string unique = Guid.NewGuid().ToString("N")[..10];
        string tree = Path.Combine(_root, "export");
        Directory.CreateDirectory(Path.Combine(tree, "databases", "neo4j"));
        File.WriteAllText(Path.Combine(tree, "databases", "neo4j", "neostore"), $"store {unique}");
        var blob = new byte[300_000];
        new Random(7).NextBytes(blob);
        File.WriteAllBytes(Path.Combine(tree, "databases", "neo4j", "blob.bin"), blob);
        File.WriteAllText(Path.Combine(tree, "run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(tree, "run.sh"), (UnixFileMode)0x1ED);
        File.CreateSymbolicLink(Path.Combine(tree, "current"), "databases/neo4j");
        Directory.CreateDirectory(Path.Combine(tree, "empty"));

        string name = $"cowstore-export-test-{unique}";
        string storePath = Add(tree, name);

        Assert.Matches($"^/nix/store/[0-9a-z]{{32}}-{name}$", storePath);
        Assert.True(NixStore.VerifyPath(storePath));
        Assert.Equal(NixSamples.Fingerprint(tree), NixSamples.Fingerprint(storePath));
        Assert.Equal(storePath, Add(tree, name));

        // Named after the directory itself, it goes through `nix-store --add-fixed` and gives the same kind of path.
        string named = Path.Combine(_root, name);
        Directory.Move(tree, named);
        Assert.Equal(storePath, Add(named, name));
        string printed = NixSamples.Nix("nix-store", ["--add-fixed", "--recursive", "sha256", named]).Stdout.Trim();
        Assert.Equal(storePath, printed);

        File.AppendAllText(Path.Combine(named, "run.sh"), "# changed\n");
        Assert.NotEqual(storePath, Add(named, name));
    }

    private string Add(string directory, string name)
    {
        string path = NixStore.AddFixedRecursive(directory, name);
        _added.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (string path in _added.Distinct())
        {
            _ = NixSamples.TryNix("nix-store", ["--delete", path]);
        }
        TestDirectory.DeleteQuietly(_root);
    }
}
