using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>Hard links with st_nlink, symlinks (readlink, lstat, dangling), unlink errors.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void HardLinksShareOneInodeAndCountTheirNames()
    {
        string dir = Dir();
        string seed = SeedFile(), first = Path.Combine(dir, "l1"), second = Path.Combine(SeedDirectory(), "l2");
        ulong ino = Sys.Stat(seed).Ino;
        Assert.Equal(1ul, Sys.Stat(seed).Nlink);

        Sys.Link(seed, first);
        Sys.Link(first, second);
        foreach (string name in new[] { seed, first, second })
        {
            StatBuffer st = Sys.Stat(name);
            Assert.Equal(ino, st.Ino);
            Assert.Equal(3ul, st.Nlink);
        }

        // A write through one name is seen through the others.
        using (FileDescriptor fd = FileDescriptor.Open(first, O_RDWR))
        {
            fd.PWrite(100, "linked"u8);
        }
        byte[] expected = SeedLayout.FileContent.ToArray();
        "linked"u8.CopyTo(expected.AsSpan(100));
        AssertContent(expected, seed);
        AssertContent(expected, second);

        Sys.Unlink(seed);
        Assert.Equal(2ul, Sys.Stat(first).Nlink);
        Assert.Equal(2ul, Sys.Stat(second).Nlink);
        Sys.Unlink(second);
        Assert.Equal(1ul, Sys.Stat(first).Nlink);
        Assert.Equal(ino, Sys.Stat(first).Ino);
        AssertContent(expected, first);

        Assert.Equal(Errno.ENOENT, Sys.TryLink(seed, Path.Combine(dir, "l3")));
        Assert.Equal(Errno.EEXIST, Sys.TryLink(first, Path.Combine(SeedDirectory(), SeedLayout.InnerFileName)));
        Assert.Equal(Errno.EPERM, Sys.TryLink(SeedDirectory(), Path.Combine(dir, "dirlink")));
        Assert.Equal(Errno.ENOENT, Sys.TryUnlink(seed));
        Assert.Equal(Errno.EISDIR, Sys.TryUnlink(SeedDirectory()));
    }

    [Fact]
    public void SymlinksResolveReadAndDangle()
    {
        string dir = Dir();
        string link = Path.Combine(dir, "link"), dirLink = Path.Combine(dir, "dirlink"), dangling = Path.Combine(dir, "dangling");
        Sys.Symlink(SeedLayout.FileName, link);
        Sys.Symlink(SeedLayout.DirectoryName, dirLink);
        Sys.Symlink("does/not/exist", dangling);

        Assert.Equal(SeedLayout.FileName, Sys.ReadLink(link));
        StatBuffer l = Sys.LStat(link);
        Assert.Equal(S_IFLNK, l.FileType);
        Assert.Equal(SeedLayout.FileName.Length, l.Size);
        StatBuffer target = Sys.Stat(link);
        Assert.Equal(S_IFREG, target.FileType);
        Assert.Equal(Sys.Stat(SeedFile()).Ino, target.Ino);
        AssertContent(SeedLayout.FileContent, link);
        AssertContent(SeedLayout.InnerContent, Path.Combine(dirLink, SeedLayout.InnerFileName));

        Assert.Equal("does/not/exist", Sys.ReadLink(dangling));
        Assert.Equal(Errno.OK, Sys.TryLStat(dangling, out _));
        Assert.Equal(Errno.ENOENT, Sys.TryStat(dangling, out _));
        Assert.Equal(Errno.ENOENT, FileDescriptor.TryOpen(dangling, O_RDONLY, out _));
        Assert.Equal(Errno.ELOOP, FileDescriptor.TryOpen(link, O_RDONLY | O_NOFOLLOW, out _));

        // Removing the link leaves the target; renaming the link keeps its text.
        Sys.Rename(link, Path.Combine(SeedDirectory(), "moved-link"));
        Assert.Equal(SeedLayout.FileName, Sys.ReadLink(Path.Combine(SeedDirectory(), "moved-link")));
        Assert.Equal(Errno.ENOENT, Sys.TryStat(Path.Combine(SeedDirectory(), "moved-link"), out _)); // now relative to seeddir
        Sys.Unlink(dirLink);
        Assert.Equal(S_IFDIR, Sys.Stat(SeedDirectory()).FileType);
    }
}
