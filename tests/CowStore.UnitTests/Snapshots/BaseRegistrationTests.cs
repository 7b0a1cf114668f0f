using CowStore.Core.Snapshots;
using Xunit;

namespace CowStore.UnitTests.Snapshots;

public sealed class BaseRegistrationTests
{
    private static string MakeTree(SnapshotTestDirectory dir, string name, string content = "hello")
    {
        string root = dir.CreateDirectory(name);
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.WriteAllText(Path.Combine(root, "sub", "file"), content);
        File.WriteAllBytes(Path.Combine(root, "big"), ManifestSamples.Block(7));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "sub/file");
        return root;
    }

    [Fact]
    public void DirectoryBaseIsIdempotentAndResolvesSymlinks()
    {
        using var dir = new SnapshotTestDirectory();
        string tree = MakeTree(dir, "tree");
        File.CreateSymbolicLink(dir.PathOf("alias"), "tree");
        var store = new SnapshotStore(dir.PathOf("store"));

        BaseRecord first = store.RegisterBase(tree);
        BaseRecord again = store.RegisterBase(dir.PathOf("alias") + "/./sub/..");
        Assert.Equal(BaseKinds.Directory, first.Kind);
        Assert.Equal(tree, first.Path);
        Assert.NotNull(first.Fingerprint);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Equal([first.Id], store.BaseIds());
        Assert.Null(SnapshotStore.CheckBase(store.ReadBase(first.Id)));
    }

    [Fact]
    public void ChangedDirectoryIsReportedAndRegistersUnderANewId()
    {
        using var dir = new SnapshotTestDirectory();
        string tree = MakeTree(dir, "tree");
        var store = new SnapshotStore(dir.PathOf("store"));
        BaseRecord before = store.RegisterBase(tree);

        File.AppendAllText(Path.Combine(tree, "sub", "file"), "!");
        string? problem = SnapshotStore.CheckBase(before);
        Assert.NotNull(problem);
        Assert.Contains("changed since it was registered", problem, StringComparison.Ordinal);
        Assert.NotEqual(before.Id, store.RegisterBase(tree).Id);

        Directory.Delete(tree, recursive: true);
        Assert.Contains("is missing", SnapshotStore.CheckBase(before), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportIdentifiesByContentWhereverItLies()
    {
        using var dir = new SnapshotTestDirectory();
        string one = MakeTree(dir, "one");
        string two = MakeTree(dir, "two");
        string other = MakeTree(dir, "other", content: "hellO");
        File.SetLastWriteTimeUtc(Path.Combine(two, "big"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var store = new SnapshotStore(dir.PathOf("store"));

        long progress = 0;
        BaseRecord a = store.ImportBase(one, new Progress(b => progress = b));
        BaseRecord b = store.ImportBase(two);
        BaseRecord c = store.ImportBase(other);
        Assert.Equal(BaseKinds.Imported, a.Kind);
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(one, b.Path); // the first registration is still valid, so it is kept
        Assert.NotEqual(a.Id, c.Id);
        Assert.Equal(4096 + 5, progress);

        // Once the recorded directory is gone, importing the same content elsewhere moves the record there.
        Directory.Delete(one, recursive: true);
        Assert.Equal(two, store.ImportBase(two).Path);
        Assert.Equal(two, store.ReadBase(a.Id).Path);
    }

    [Fact]
    public void TopLevelNixStorePathIsANixBase()
    {
        Assert.True(SnapshotStore.IsNixStorePath("/nix/store/2jx25ixzlhx8xyslqcjj2pwf72pk42l6-mydir"));
        Assert.False(SnapshotStore.IsNixStorePath("/nix/store/2jx25ixzlhx8xyslqcjj2pwf72pk42l6-mydir/sub"));
        Assert.False(SnapshotStore.IsNixStorePath("/nix/store/2jx25ixzlhx8xyslqcjj2pwf72pk42le-mydir"));
        Assert.False(SnapshotStore.IsNixStorePath("/nix/store/short-mydir"));
        Assert.False(SnapshotStore.IsNixStorePath("/tmp/store/2jx25ixzlhx8xyslqcjj2pwf72pk42l6-mydir"));

        string? storePath = Directory.Exists("/nix/store")
            ? Directory.EnumerateDirectories("/nix/store").FirstOrDefault(p => SnapshotStore.IsNixStorePath(p) && new DirectoryInfo(p).LinkTarget is null)
            : null;
        Assert.True(storePath is not null, "this test needs one directory in /nix/store (nix-bin is part of the machine setup)");
        using var dir = new SnapshotTestDirectory();
        var store = new SnapshotStore(dir.PathOf("store"));
        BaseRecord record = store.RegisterBase(storePath);
        Assert.Equal(BaseKinds.Nix, record.Kind);
        Assert.Equal(storePath, record.Path);
        Assert.Null(record.Fingerprint);
        Assert.Equal(SnapshotId.OfText("cowstore-base\0nix\0" + storePath), record.Id);
    }

    [Fact]
    public void MissingDirectoryIsRefused()
    {
        using var dir = new SnapshotTestDirectory();
        var store = new SnapshotStore(dir.PathOf("store"));
        Assert.Throws<DirectoryNotFoundException>(() => store.RegisterBase(dir.PathOf("nothing")));
        File.WriteAllText(dir.PathOf("file"), "");
        Assert.Throws<DirectoryNotFoundException>(() => store.RegisterBase(dir.PathOf("file")));
    }

    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
