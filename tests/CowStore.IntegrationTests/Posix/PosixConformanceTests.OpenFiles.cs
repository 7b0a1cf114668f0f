using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>An open fd keeps the file it opened when an existing (seeded) file loses its name.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void AnOpenExistingFileSurvivesUnlinkWithLinkCountZero()
    {
        string path = SeedFile();
        using FileDescriptor fd = FileDescriptor.Open(path, O_RDWR);
        ulong ino = fd.Stat().Ino;
        Sys.Unlink(path);

        Assert.Equal(Errno.OK, fd.TryStat(out StatBuffer st));
        Assert.Equal(0ul, st.Nlink);
        Assert.Equal(ino, st.Ino);
        Assert.Equal(SeedLayout.FileLength, st.Size);
        AssertBytes(SeedLayout.FileContent.AsSpan(60_000, 10_000), fd.PRead(60_000, 10_000), "read after unlink");
        fd.PWrite(70_000, "after"u8);
        AssertBytes("after"u8, fd.PRead(70_000, 5), "write after unlink");
        Assert.Equal(Errno.OK, fd.TryFSync());

        // A new file under the old name is a different file.
        File.WriteAllBytes(path, [1, 2]);
        Assert.NotEqual(ino, Sys.Stat(path).Ino);
        Assert.Equal(SeedLayout.FileLength, fd.Stat().Size);
        AssertContent(new byte[] { 1, 2 }, path);

        // Read-only fds see the same (an existing file that was never written is the interesting case).
        string inner = Path.Combine(SeedDirectory(), SeedLayout.InnerFileName);
        using FileDescriptor readOnly = FileDescriptor.Open(inner, O_RDONLY);
        Sys.Unlink(inner);
        Assert.Equal(Errno.OK, readOnly.TryStat(out StatBuffer innerStat));
        Assert.Equal(0ul, innerStat.Nlink);
        AssertBytes(SeedLayout.InnerContent, readOnly.PRead(0, 100), "read-only fd after unlink");
    }

    [Fact]
    public void AnOpenExistingFileSurvivesBeingRenamedOver()
    {
        string path = SeedFile(), replacement = Path.Combine(Dir(), "replacement");
        File.WriteAllBytes(replacement, [7, 7, 7]);
        using FileDescriptor fd = FileDescriptor.Open(path, O_RDONLY);
        ulong ino = fd.Stat().Ino;

        Sys.Rename(replacement, path);

        Assert.Equal(Errno.OK, fd.TryStat(out StatBuffer st));
        Assert.Equal(0ul, st.Nlink);
        Assert.Equal(ino, st.Ino);
        AssertBytes(SeedLayout.FileContent.AsSpan(0, 4096), fd.PRead(0, 4096), "replaced file through its fd");
        AssertContent(new byte[] { 7, 7, 7 }, path);

        // The same through a hard link: the open file keeps its other name and a count of 1.
        string inner = Path.Combine(SeedDirectory(), SeedLayout.InnerFileName), alias = Path.Combine(Dir(), "alias");
        Sys.Link(inner, alias);
        using FileDescriptor innerFd = FileDescriptor.Open(inner, O_RDONLY);
        File.WriteAllBytes(replacement, [8]);
        Sys.Rename(replacement, inner);
        Assert.Equal(1ul, innerFd.Stat().Nlink);
        Assert.Equal(Sys.Stat(alias).Ino, innerFd.Stat().Ino);
        AssertContent(SeedLayout.InnerContent, alias);
    }
}
