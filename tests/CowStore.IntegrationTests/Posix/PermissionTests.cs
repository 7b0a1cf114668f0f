using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>
/// Another user is denied what the mode bits deny (root tier: switching users needs root, and
/// the mount needs <c>--allow-other</c> for the other user to see it at all). Needs the users
/// <c>cowstore-test</c> and <c>cowstore-other</c> from scripts/setup-system.sh.
/// </summary>
[Trait("Requires", "root")]
public abstract class PermissionTests : IDisposable
{
    private readonly FilesystemBackend _backend;
    private readonly ITestOutputHelper _output;

    protected PermissionTests(FilesystemBackend backend, ITestOutputHelper output)
    {
        _backend = backend;
        _output = output;
        backend.TakeDiagnostics();
    }

    public static IEnumerable<string> TestNames => SeedLayout.TestNamesOf(typeof(PermissionTests));

    [Fact]
    public void OtherUsersAreDeniedWhatTheModeBitsDeny()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        TestUser owner = TestUser.Owner, other = TestUser.Other;
        string dir = Path.Combine(_backend.TestDirectoryFor(nameof(OtherUsersAreDeniedWhatTheModeBitsDeny)), "owned");
        Sys.Mkdir(dir, 0x1ED);
        Assert.Equal(Errno.OK, Sys.TryLChown(dir, owner.Uid, owner.Gid));

        string secret = Path.Combine(dir, "secret"), shared = Path.Combine(dir, "shared");
        Probe.RunAs(owner, "create", secret).ShouldSucceed();
        Probe.RunAs(owner, "write", secret, "0", "736563726574").ShouldSucceed();
        Sys.Chmod(secret, 0x180); // 0600
        Probe.RunAs(owner, "create", shared).ShouldSucceed(); // 0644 from the probe
        Assert.Equal(owner.Uid, Sys.Stat(secret).Uid);

        Assert.Equal("736563726574", Probe.RunAs(owner, "read", secret, "0", "6").ShouldSucceed().Value);
        Probe.RunAs(other, "read", secret, "0", "6").ShouldFailWith("EACCES");
        Probe.RunAs(other, "write", secret, "0", "00").ShouldFailWith("EACCES");
        Probe.RunAs(other, "read", shared, "0", "1").ShouldSucceed();
        Probe.RunAs(other, "write", shared, "0", "00").ShouldFailWith("EACCES");
        Probe.RunAs(other, "create", Path.Combine(dir, "intruder")).ShouldFailWith("EACCES");
        Probe.RunAs(other, "rename2", shared, Path.Combine(dir, "moved"), "none").ShouldFailWith("EACCES");

        // A sticky world-writable directory: others may create but not rename the owner's files.
        string sticky = Path.Combine(dir, "sticky");
        Sys.Mkdir(sticky);
        Sys.Chmod(sticky, 0x3FF); // 1777
        Probe.RunAs(owner, "create", Path.Combine(sticky, "mine")).ShouldSucceed();
        Probe.RunAs(other, "create", Path.Combine(sticky, "theirs")).ShouldSucceed();
        Probe.RunAs(other, "rename2", Path.Combine(sticky, "mine"), Path.Combine(sticky, "stolen"), "none").ShouldFailWith("EPERM");
        Assert.Equal(other.Uid, Sys.Stat(Path.Combine(sticky, "theirs")).Uid);
    }

    public void Dispose()
    {
        string diagnostics = _backend.TakeDiagnostics();
        if (diagnostics.Length > 0)
        {
            _output.WriteLine($"{_backend.Name} daemon output during this test:\n{diagnostics}");
        }
        _backend.CheckHealth();
        GC.SuppressFinalize(this);
    }
}
