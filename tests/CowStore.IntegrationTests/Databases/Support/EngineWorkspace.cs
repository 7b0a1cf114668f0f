using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// One test's scratch directory (named after the test) with the base, the mountpoint, the
/// engine's HOME and cowstore's state directory in it, plus everything the test started:
/// <see cref="Track{T}"/>ed resources are disposed last-in first-out (engine processes before the
/// mounts under them), then the directory is deleted unless a mount is somehow still in it.
/// </summary>
internal sealed class EngineWorkspace : IDisposable
{
    /// <summary>The owner the sealed base gets when we are root: nobody, like a foreign /nix/store path.</summary>
    private const string ForeignOwner = "65534:65534";

    private readonly List<IDisposable> _resources = [];

    private EngineWorkspace(string testName, Func<IReadOnlyDictionary<string, string>, EngineUser> user)
    {
        Root = TestDirectory.Create(testName);
        foreach (string dir in new[] { Base, MountPoint, Home, StateHome, Scratch })
        {
            Directory.CreateDirectory(dir);
        }
        var environment = new Dictionary<string, string> { ["HOME"] = Home, ["COWSTORE_HOME"] = StateHome };
        User = user(environment);
        User.Own(Root);
        Cli = new CowStoreCli(EngineUser.Current(environment), Scratch);
    }

    /// <summary>A workspace whose engine runs unprivileged (PostgreSQL): see <see cref="EngineUser"/>.</summary>
    public static EngineWorkspace ForUnprivilegedEngine(string testName) => new(testName, EngineUser.Unprivileged);

    /// <summary>A workspace whose engine runs as the test process (root in the root tier).</summary>
    public static EngineWorkspace ForCurrentUser(string testName) => new(testName, EngineUser.Current);

    public string Root { get; }

    /// <summary>The read-only base the test builds and then seals.</summary>
    public string Base => Path.Combine(Root, "base");

    public string MountPoint => Path.Combine(Root, "mnt");

    public string Home => Path.Combine(Root, "home");

    /// <summary>COWSTORE_HOME: the catalog and the session deltas.</summary>
    public string StateHome => Path.Combine(Root, "state");

    /// <summary>Outside every mount: server logs, scripts, acknowledgement files, captured cowstore output.</summary>
    public string Scratch => Path.Combine(Root, "scratch");

    public EngineUser User { get; }

    public CowStoreCli Cli { get; }

    public string ScratchFile(string name) => Path.Combine(Scratch, name);

    public T Track<T>(T resource) where T : IDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>
    /// Makes the base look like a /nix/store path: nobody may write, everyone may read and search,
    /// and (where we are root) it belongs to another uid. Unprivileged we can only chmod.
    /// </summary>
    public void SealBase()
    {
        if (Sys.IsRoot)
        {
            Shell.Checked("chown", ["-R", ForeignOwner, Base]);
        }
        Shell.Checked("chmod", ["-R", "a-w,a+rX", Base]);
    }

    /// <summary>
    /// Mounts the base as the test process. cowstore runs as whoever runs the tests: a mount made
    /// as cowstore-test from the root tier would need /dev/fuse opened up for it (0600 on these
    /// machines), which only the unprivileged tier does. When the engine runs as another user
    /// (PostgreSQL in the root tier) the mount gets --allow-other, and <see cref="HandOver"/> gives
    /// the view to the engine's user.
    /// </summary>
    public CowStoreSession Mount() =>
        Track(CowStoreSession.Mount(Cli, Base, MountPoint, allowOther: User.IsOtherUser));

    /// <summary>
    /// Mounts the snapshot <paramref name="snapshotId"/> (a new session over it) on a second
    /// mountpoint <paramref name="name"/> in the workspace, like <see cref="Mount"/>.
    /// </summary>
    public CowStoreSession MountSnapshot(string snapshotId, string name)
    {
        string mountPoint = Path.Combine(Root, name);
        Directory.CreateDirectory(mountPoint);
        User.Own(mountPoint);
        return Track(CowStoreSession.Mount(Cli, snapshotId, mountPoint, allowOther: User.IsOtherUser));
    }

    /// <summary>
    /// chown -R of the view to the engine's user when that is another account (root tier): the
    /// view shows every file as the mounting user's, as a copy would be, and PostgreSQL insists on
    /// owning its data directory. Metadata only, but it lands in the delta, so it is repeated
    /// after every discard or resume (chown does not promise durability without an fsync).
    /// </summary>
    public void HandOver(string path) => User.Own(path);

    public void Dispose()
    {
        var failures = new List<Exception>();
        for (int i = _resources.Count - 1; i >= 0; i--)
        {
            try
            {
                _resources[i].Dispose();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        _resources.Clear();
        if (!File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ')[4].StartsWith(Root, StringComparison.Ordinal)))
        {
            TestDirectory.DeleteQuietly(Root);
        }
        else
        {
            failures.Add(new InvalidOperationException($"a mount under {Root} survived the cleanup"));
        }
        if (failures.Count > 0)
        {
            throw new AggregateException("cleanup failed", failures);
        }
    }
}
