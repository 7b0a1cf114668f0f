using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>
/// A /nix/store path as it is (files 0444, directories 0555, mtime 1, owned by someone else when
/// we are root) appears owned by the mounting user and writable for them, as a copy would be;
/// <c>--preserve-ownership</c> shows it exactly as it is.
/// </summary>
public sealed class NixStyleBaseTests
{
    [Fact]
    public void ANixStoreLikeBaseAppearsOwnedByAndWritableForTheMountingUser()
    {
        using var sandbox = NixLikeBase(out string file, out string dir);
        string mnt = sandbox.NewMountpoint();
        sandbox.CowstoreOk("mount", sandbox.Base, mnt);

        StatBuffer fileStat = Sys.Stat(Path.Combine(mnt, file));
        StatBuffer dirStat = Sys.Stat(Path.Combine(mnt, dir));
        Assert.Equal((Sys.EUid, Sys.EGid), (fileStat.Uid, fileStat.Gid));
        Assert.Equal((Sys.EUid, Sys.EGid), (dirStat.Uid, dirStat.Gid));
        Assert.Equal(0x1A4u, fileStat.Permissions); // 0644
        Assert.Equal(0x1EDu, dirStat.Permissions);  // 0755
        Assert.Equal(1, fileStat.Mtime.Seconds);

        File.AppendAllText(Path.Combine(mnt, file), " and changed");
        File.WriteAllText(Path.Combine(mnt, dir, "new.txt"), "new");
        Assert.Equal("from the store and changed", File.ReadAllText(Path.Combine(mnt, file)));
        Assert.Equal("from the store", File.ReadAllText(Path.Combine(sandbox.Base, file)));
        sandbox.CowstoreOk("umount", mnt);
    }

    [Fact]
    public void PreserveOwnershipShowsTheBaseAsItIs()
    {
        using var sandbox = NixLikeBase(out string file, out string dir);
        StatBuffer original = Sys.Stat(Path.Combine(sandbox.Base, file));
        string mnt = sandbox.NewMountpoint();
        sandbox.CowstoreOk("mount", "--preserve-ownership", sandbox.Base, mnt);

        StatBuffer fileStat = Sys.Stat(Path.Combine(mnt, file));
        Assert.Equal((original.Uid, original.Gid), (fileStat.Uid, fileStat.Gid));
        Assert.Equal(0x124u, fileStat.Permissions); // 0444
        Assert.Equal(0x16Du, Sys.Stat(Path.Combine(mnt, dir)).Permissions); // 0555
        sandbox.CowstoreOk("umount", mnt);
    }

    private static SessionSandbox NixLikeBase(out string file, out string dir)
    {
        var sandbox = new SessionSandbox();
        file = "data.txt";
        dir = "sub";
        File.WriteAllText(Path.Combine(sandbox.Base, file), "from the store");
        Directory.CreateDirectory(Path.Combine(sandbox.Base, dir));
        foreach (string path in new[] { Path.Combine(sandbox.Base, file), Path.Combine(sandbox.Base, dir) })
        {
            File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddSeconds(1));
        }
        sandbox.SealBase();
        return sandbox;
    }
}
