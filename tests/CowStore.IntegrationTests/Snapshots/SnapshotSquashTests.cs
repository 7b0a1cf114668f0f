using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore squash</c>: same content, single layer, the id a direct session would get.</summary>
public sealed class SnapshotSquashTests
{
    [Fact]
    public void SquashOfAThreeDeepChain_HasTheContentAndTheIdOfTheSameChangesMadeDirectlyOnTheBase()
    {
        using var sandbox = new SessionSandbox();
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sandbox.Base, "data.bin"), 1 << 20, 1);
        File.WriteAllText(Path.Combine(sandbox.Base, "old.txt"), "old");
        sandbox.SealBase();
        byte[] a = new byte[8192].Select(_ => (byte)'a').ToArray();
        byte[] b = new byte[4096].Select(_ => (byte)'b').ToArray();
        byte[] c = new byte[12288];
        new Random(3).NextBytes(c);

        (string chain, string chainSession) = sandbox.Mount(sandbox.Base, "chain");
        SnapshotSandbox.WriteAt(Path.Combine(chain, "data.bin"), 65536, a);
        sandbox.Commit(chain, "-m", "one");
        SnapshotSandbox.WriteAt(Path.Combine(chain, "data.bin"), 8192, b);
        File.Delete(Path.Combine(chain, "old.txt"));
        sandbox.Commit(chain, "-m", "two");
        SnapshotSandbox.WriteAt(Path.Combine(chain, "data.bin"), 500_000, c);
        File.WriteAllText(Path.Combine(chain, "new.txt"), "new");
        string third = sandbox.Commit(chain, "-m", "three");
        Assert.NotNull(sandbox.ParentOf(sandbox.ParentOf(third)!));

        CommandResult squash = sandbox.CowstoreOk("squash", third);
        string squashed = squash.LastLine;
        Assert.Matches("^[0-9a-df-np-sv-z]{52}$", squashed);
        Assert.NotEqual(third, squashed);
        Assert.Null(sandbox.ParentOf(squashed));
        Assert.Contains("3 layers", squash.Output, StringComparison.Ordinal);
        List<string> packs = sandbox.PackFiles();
        Assert.Equal(squashed, sandbox.CowstoreOk("squash", third).LastLine); // idempotent
        Assert.Equal(packs, sandbox.PackFiles());                             // no block copied

        (string direct, _) = sandbox.Mount(sandbox.Base, "direct");
        SnapshotSandbox.WriteAt(Path.Combine(direct, "data.bin"), 65536, a);
        SnapshotSandbox.WriteAt(Path.Combine(direct, "data.bin"), 8192, b);
        File.Delete(Path.Combine(direct, "old.txt"));
        SnapshotSandbox.WriteAt(Path.Combine(direct, "data.bin"), 500_000, c);
        File.WriteAllText(Path.Combine(direct, "new.txt"), "new");
        Assert.Equal(squashed, sandbox.Commit(direct));

        (string view, _) = sandbox.Mount(squashed, "view");
        (string original, _) = sandbox.Mount(third, "original");
        SnapshotTrees.AssertSameContent(original, view);
        SnapshotTrees.AssertSameContent(chain, view);
        Assert.Equal($"snapshot {squashed} lies directly on its base already", sandbox.CowstoreOk("squash", squashed).Output.Split('\n')[0]);
        Assert.Equal(2, sandbox.Cowstore("squash", sandbox.CowstoreOk("import", sandbox.Base).LastLine).ExitCode);
        _ = chainSession;
    }
}
