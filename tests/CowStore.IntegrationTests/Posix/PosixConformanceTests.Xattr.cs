using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>user.* extended attributes.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void UserXattrsCanBeSetReadListedAndRemoved()
    {
        string path = SeedFile();
        Assert.Equal(Errno.ENODATA, Sys.TryGetXattr(path, "user.cowstore.a", out _));
        Assert.Equal(Errno.OK, Sys.TrySetXattr(path, "user.cowstore.a", "alpha"));
        Assert.Equal(Errno.OK, Sys.TrySetXattr(path, "user.cowstore.b", ""));
        Assert.Equal(Errno.OK, Sys.TryGetXattr(path, "user.cowstore.a", out string value));
        Assert.Equal("alpha", value);
        Assert.Equal(Errno.OK, Sys.TryGetXattr(path, "user.cowstore.b", out string empty));
        Assert.Equal("", empty);

        Assert.Equal(Errno.EEXIST, Sys.TrySetXattr(path, "user.cowstore.a", "x", XATTR_CREATE));
        Assert.Equal(Errno.ENODATA, Sys.TrySetXattr(path, "user.cowstore.c", "x", XATTR_REPLACE));
        Assert.Equal(Errno.OK, Sys.TrySetXattr(path, "user.cowstore.a", "replaced", XATTR_REPLACE));
        Assert.Equal("replaced", Probe.Run("xattr-get", path, "user.cowstore.a").ShouldSucceed().Value);

        string[] names = Sys.ListXattr(path).Where(n => n.StartsWith("user.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["user.cowstore.a", "user.cowstore.b"], names);

        Assert.Equal(Errno.OK, Sys.TryRemoveXattr(path, "user.cowstore.a"));
        Assert.Equal(Errno.ENODATA, Sys.TryGetXattr(path, "user.cowstore.a", out _));
        Assert.Equal(Errno.ENODATA, Sys.TryRemoveXattr(path, "user.cowstore.a"));
        Probe.Run("xattr-remove", path, "user.cowstore.a").ShouldFailWith("ENODATA");

        // Directories carry xattrs too; the attribute follows a rename.
        Assert.Equal(Errno.OK, Sys.TrySetXattr(SeedDirectory(), "user.cowstore.dir", "d"));
        string moved = Path.Combine(Dir(), "moved");
        Sys.Rename(SeedDirectory(), moved);
        Assert.Equal(Errno.OK, Sys.TryGetXattr(moved, "user.cowstore.dir", out string d));
        Assert.Equal("d", d);
    }
}
