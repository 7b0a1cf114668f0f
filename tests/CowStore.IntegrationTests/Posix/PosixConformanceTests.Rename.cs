using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>rename(2) and renameat2(2) on files and directories.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void RenameOverAnExistingFileReplacesIt()
    {
        string dir = Dir();
        string source = SeedFile(), target = Path.Combine(dir, "target");
        File.WriteAllBytes(target, [9, 9, 9]);
        ulong sourceIno = Sys.Stat(source).Ino;
        using FileDescriptor openTarget = FileDescriptor.Open(target, O_RDONLY);

        Sys.Rename(source, target);

        Assert.Equal(Errno.ENOENT, Sys.TryStat(source, out _));
        Assert.Equal(sourceIno, Sys.Stat(target).Ino);
        AssertContent(SeedLayout.FileContent, target);
        // The replaced file lives on for whoever still has it open.
        AssertBytes(new byte[] { 9, 9, 9 }, openTarget.PRead(0, 10), "replaced file through an open fd");
        Assert.Equal(0ul, openTarget.Stat().Nlink);
        Assert.Equal(["target"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void RenameNoReplaceRefusesAnExistingTarget()
    {
        string dir = Dir();
        string source = SeedFile(), target = Path.Combine(dir, "target"), free = Path.Combine(dir, "free");
        File.WriteAllBytes(target, [1]);
        Assert.Equal(Errno.EEXIST, Sys.TryRename2(source, target, RENAME_NOREPLACE));
        AssertContent(new byte[] { 1 }, target);
        AssertContent(SeedLayout.FileContent, source);
        Assert.Equal(Errno.OK, Sys.TryRename2(source, free, RENAME_NOREPLACE));
        AssertContent(SeedLayout.FileContent, free);
        Probe.Run("rename2", free, target, "noreplace").ShouldFailWith("EEXIST");
    }

    [Fact]
    public void RenameExchangeSwapsTwoNames()
    {
        string dir = Dir();
        string file = SeedFile(), other = Path.Combine(dir, "other"), subdir = SeedDirectory();
        File.WriteAllBytes(other, [4, 2]);
        ulong fileIno = Sys.Stat(file).Ino, otherIno = Sys.Stat(other).Ino, dirIno = Sys.Stat(subdir).Ino;

        Assert.Equal(Errno.OK, Sys.TryRename2(file, other, RENAME_EXCHANGE));
        AssertContent(new byte[] { 4, 2 }, file);
        AssertContent(SeedLayout.FileContent, other);
        Assert.Equal(otherIno, Sys.Stat(file).Ino);
        Assert.Equal(fileIno, Sys.Stat(other).Ino);

        // A file and a directory swap too.
        Probe.Run("rename2", other, subdir, "exchange").ShouldSucceed();
        Assert.Equal(S_IFDIR, Sys.Stat(other).FileType);
        Assert.Equal(dirIno, Sys.Stat(other).Ino);
        AssertContent(SeedLayout.InnerContent, Path.Combine(other, SeedLayout.InnerFileName));
        AssertContent(SeedLayout.FileContent, subdir);

        Assert.Equal(Errno.ENOENT, Sys.TryRename2(file, Path.Combine(dir, "missing"), RENAME_EXCHANGE));
    }

    [Fact]
    public void RenameMovesADirectoryWithItsContents()
    {
        string dir = Dir();
        string moved = Path.Combine(dir, "a", "moved");
        Sys.Mkdir(Path.Combine(dir, "a"));
        File.WriteAllBytes(Path.Combine(SeedDirectory(), "added"), [7]);
        Sys.Mkdir(Path.Combine(SeedDirectory(), "nested"));
        File.WriteAllBytes(Path.Combine(SeedDirectory(), "nested", "deep"), [8]);

        Sys.Rename(SeedDirectory(), moved);

        Assert.Equal(Errno.ENOENT, Sys.TryStat(SeedDirectory(), out _));
        AssertContent(SeedLayout.InnerContent, Path.Combine(moved, SeedLayout.InnerFileName));
        AssertContent(new byte[] { 7 }, Path.Combine(moved, "added"));
        AssertContent(new byte[] { 8 }, Path.Combine(moved, "nested", "deep"));
        Assert.Equal(new[] { "added", "inner.txt", "nested" },
            Directory.GetFileSystemEntries(moved).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // Writable in its new place, and back again.
        File.WriteAllBytes(Path.Combine(moved, "after"), [1]);
        Sys.Rename(moved, SeedDirectory());
        AssertContent(new byte[] { 1 }, Path.Combine(SeedDirectory(), "after"));
        Assert.Equal(Errno.EINVAL, Sys.TryRename(SeedDirectory(), Path.Combine(SeedDirectory(), "nested", "into-itself")));
    }

    [Fact]
    public void RenameOfADirectoryReplacesOnlyAnEmptyDirectory()
    {
        string dir = Dir();
        string empty = Path.Combine(dir, "empty"), full = Path.Combine(dir, "full");
        Sys.Mkdir(empty);
        Sys.Mkdir(full);
        File.WriteAllBytes(Path.Combine(full, "x"), [1]);

        Assert.Equal(Errno.ENOTEMPTY, Sys.TryRename(SeedDirectory(), full));
        Assert.Equal(Errno.ENOTDIR, Sys.TryRename(SeedDirectory(), SeedFile()));
        Assert.Equal(Errno.EISDIR, Sys.TryRename(SeedFile(), empty));

        Sys.Rename(SeedDirectory(), empty);
        AssertContent(SeedLayout.InnerContent, Path.Combine(empty, SeedLayout.InnerFileName));
        Assert.Equal(Errno.ENOENT, Sys.TryStat(SeedDirectory(), out _));
        Assert.Equal(Errno.ENOENT, Sys.TryRename(Path.Combine(dir, "missing"), Path.Combine(dir, "x")));
    }
}
