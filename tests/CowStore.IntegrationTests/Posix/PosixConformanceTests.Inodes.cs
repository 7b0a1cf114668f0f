using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>Inode numbers stay the same across lookups, reopen, writes and rename.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void InodeNumbersAreStableAcrossLookupsReopenWritesAndRename()
    {
        string dir = Dir();
        string file = SeedFile(), subdir = SeedDirectory(), inner = Path.Combine(subdir, SeedLayout.InnerFileName);
        ulong fileIno = Sys.Stat(file).Ino, dirIno = Sys.Stat(subdir).Ino, innerIno = Sys.Stat(inner).Ino;
        Assert.Equal(3, new[] { fileIno, dirIno, innerIno }.Distinct().Count());

        Assert.Equal(fileIno, Sys.Stat(file).Ino);
        Assert.Equal(fileIno, Sys.LStat(file).Ino);
        using (FileDescriptor fd = FileDescriptor.Open(file, O_RDWR))
        {
            Assert.Equal(fileIno, fd.Stat().Ino);
            fd.PWrite(70_000, "changed"u8); // the first write to base data must not change the inode
            Assert.Equal(fileIno, fd.Stat().Ino);
        }
        using (FileDescriptor fd = FileDescriptor.Open(file, O_RDONLY))
        {
            Assert.Equal(fileIno, fd.Stat().Ino);
        }
        Assert.Equal(fileIno, Directory.EnumerateFiles(dir).Select(f => Sys.Stat(f).Ino).Single());

        string movedFile = Path.Combine(subdir, "moved"), movedDir = Path.Combine(dir, "moved-dir");
        Sys.Rename(file, movedFile);
        Assert.Equal(fileIno, Sys.Stat(movedFile).Ino);
        Sys.Rename(subdir, movedDir);
        Assert.Equal(dirIno, Sys.Stat(movedDir).Ino);
        Assert.Equal(fileIno, Sys.Stat(Path.Combine(movedDir, "moved")).Ino);
        Assert.Equal(innerIno, Sys.Stat(Path.Combine(movedDir, SeedLayout.InnerFileName)).Ino);

        string created = Path.Combine(dir, "created");
        File.WriteAllBytes(created, [1]);
        ulong createdIno = Sys.Stat(created).Ino;
        Assert.DoesNotContain(createdIno, new[] { fileIno, dirIno, innerIno });
        Sys.Rename(created, Path.Combine(movedDir, "created"));
        Assert.Equal(createdIno, Sys.Stat(Path.Combine(movedDir, "created")).Ino);
    }
}
