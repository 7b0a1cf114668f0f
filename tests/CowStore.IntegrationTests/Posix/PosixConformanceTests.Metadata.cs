using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>chmod, chown, utimensat, statfs.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void ChmodSetsThePermissionBits()
    {
        string file = SeedFile(), dir = SeedDirectory();
        foreach (uint mode in new uint[] { 0x1A0 /*0640*/, 0x1ED /*0755*/, 0x180 /*0600*/, 0x3FF /*1777*/ })
        {
            Sys.Chmod(file, mode);
            Assert.Equal(mode, Sys.Stat(file).Permissions);
            Assert.Equal(S_IFREG, Sys.Stat(file).FileType);
        }
        Sys.Chmod(dir, 0x1C0); // 0700
        Assert.Equal(0x1C0u, Sys.Stat(dir).Permissions);
        Assert.Equal(S_IFDIR, Sys.Stat(dir).FileType);
        using FileDescriptor fd = FileDescriptor.Open(file, O_RDONLY);
        Assert.Equal(0x3FFu, fd.Stat().Permissions);
    }

    [Fact]
    public void ChownToTheOwnerItselfSucceeds()
    {
        string file = SeedFile();
        StatBuffer before = Sys.Stat(file);
        Assert.Equal(Sys.EUid, before.Uid);
        Assert.Equal(Errno.OK, Sys.TryLChown(file, Sys.EUid, Sys.EGid));
        Assert.Equal(Errno.OK, Sys.TryLChown(file, uint.MaxValue, uint.MaxValue));
        StatBuffer after = Sys.Stat(file);
        Assert.Equal(Sys.EUid, after.Uid);
        Assert.Equal(Sys.EGid, after.Gid);
        if (!Sys.IsRoot)
        {
            Assert.Equal(Errno.EPERM, Sys.TryLChown(file, 0, uint.MaxValue));
        }
    }

    [Fact]
    [Trait("Requires", "root")]
    public void ChownChangesOwnerAndGroupAsRoot()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        string file = SeedFile(), link = Path.Combine(Dir(), "link");
        Sys.Symlink(SeedLayout.FileName, link);
        Assert.Equal(Errno.OK, Sys.TryLChown(file, 12345, 54321));
        StatBuffer st = Sys.Stat(file);
        Assert.Equal(12345u, st.Uid);
        Assert.Equal(54321u, st.Gid);
        Assert.Equal(Errno.OK, Sys.TryLChown(file, uint.MaxValue, 777));
        Assert.Equal(12345u, Sys.Stat(file).Uid);
        Assert.Equal(777u, Sys.Stat(file).Gid);
        // lchown changes the link, not its target.
        Assert.Equal(Errno.OK, Sys.TryLChown(link, 4242, 4242));
        Assert.Equal(4242u, Sys.LStat(link).Uid);
        Assert.Equal(12345u, Sys.Stat(link).Uid);
    }

    [Fact]
    public void UtimensSetsExplicitTimesNowAndOmit()
    {
        string file = SeedFile();
        var atime = new TimeSpec(1_000_000_000, 123_456_789);
        var mtime = new TimeSpec(1_500_000_000, 987_654_321);
        Assert.Equal(Errno.OK, Sys.TryUtimens(file, atime, mtime));
        StatBuffer st = Sys.Stat(file);
        Assert.Equal(atime, st.Atime);
        Assert.Equal(mtime, st.Mtime);

        // UTIME_OMIT leaves one time alone; UTIME_NOW takes the current time.
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(Errno.OK, Sys.TryUtimens(file, new TimeSpec(0, UTIME_OMIT), new TimeSpec(0, UTIME_NOW)));
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        st = Sys.Stat(file);
        Assert.Equal(atime, st.Atime);
        Assert.InRange(st.Mtime.Seconds, before - 1, after + 1);

        // Null times: both now. Times before 1970 and at 1 (what Nix uses) are representable.
        Assert.Equal(Errno.OK, Sys.TryUtimens(file, null, null));
        Assert.InRange(Sys.Stat(file).Atime.Seconds, before - 1, after + 2);
        Assert.Equal(Errno.OK, Sys.TryUtimens(SeedDirectory(), new TimeSpec(1, 0), new TimeSpec(1, 0)));
        Assert.Equal(new TimeSpec(1, 0), Sys.Stat(SeedDirectory()).Mtime);

        // A write moves mtime forward again.
        using (FileDescriptor fd = FileDescriptor.Open(file, O_RDWR))
        {
            Assert.Equal(Errno.OK, Sys.TryUtimens(file, mtime, mtime));
            fd.PWrite(0, "x"u8);
        }
        Assert.InRange(Sys.Stat(file).Mtime.Seconds, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void StatfsReportsSaneNumbers()
    {
        StatVfsBuffer st = Sys.StatVfs(Dir());
        Assert.True(st.BlockSize > 0, "f_bsize");
        Assert.True(st.FragmentSize > 0, "f_frsize");
        Assert.True(st.Blocks > 0, "f_blocks");
        Assert.InRange(st.BlocksFree, 0ul, st.Blocks);
        Assert.InRange(st.BlocksAvailable, 0ul, st.BlocksFree);
        Assert.InRange(st.FilesFree, 0ul, st.Files);
        Assert.True(st.NameMax >= 255, $"f_namemax {st.NameMax}");
        using FileDescriptor fd = FileDescriptor.Open(SeedFile(), O_RDONLY);
        Assert.True(fd.StatVfs().Blocks > 0, "fstatvfs f_blocks");
        Assert.StartsWith("bsize=", Probe.Run("statfs", Dir()).ShouldSucceed().Value, StringComparison.Ordinal);
    }
}
