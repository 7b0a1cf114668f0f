using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>mkdir/rmdir, directory st_nlink, readdir under concurrent change, name lengths.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void MkdirRmdirAndUnlinkReportTheRightErrors()
    {
        string dir = Dir();
        string sub = Path.Combine(dir, "sub");
        Assert.Equal(Errno.OK, Sys.TryMkdir(sub, 0x1C0));
        Assert.Equal(0x1C0u, Sys.Stat(sub).Permissions);
        Assert.Equal(Errno.EEXIST, Sys.TryMkdir(sub));
        Assert.Equal(Errno.EEXIST, Sys.TryMkdir(SeedFile()));
        Assert.Equal(Errno.ENOENT, Sys.TryMkdir(Path.Combine(dir, "missing", "x")));
        Assert.Equal(Errno.ENOTDIR, Sys.TryMkdir(Path.Combine(SeedFile(), "x")));

        Assert.Equal(Errno.ENOTEMPTY, Sys.TryRmdir(SeedDirectory()));
        Assert.Equal(Errno.ENOTDIR, Sys.TryRmdir(SeedFile()));
        Assert.Equal(Errno.ENOENT, Sys.TryRmdir(Path.Combine(dir, "missing")));
        Assert.Equal(Errno.ENOENT, Sys.TryUnlink(Path.Combine(dir, "missing")));
        Assert.Equal(Errno.EISDIR, Sys.TryUnlink(sub));

        Sys.Unlink(Path.Combine(SeedDirectory(), SeedLayout.InnerFileName));
        Assert.Equal(Errno.OK, Sys.TryRmdir(SeedDirectory()));
        Assert.Equal(Errno.OK, Sys.TryRmdir(sub));
        Assert.Equal(Errno.ENOENT, Sys.TryStat(sub, out _));
        Assert.Equal([SeedLayout.FileName], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void DirectoryLinkCountIsTwoPlusSubdirectories()
    {
        string dir = Path.Combine(Dir(), "d");
        Sys.Mkdir(dir);
        Assert.Equal(2ul, Sys.Stat(dir).Nlink);
        Sys.Mkdir(Path.Combine(dir, "x"));
        Sys.Mkdir(Path.Combine(dir, "y"));
        File.WriteAllBytes(Path.Combine(dir, "file"), []);
        Assert.Equal(4ul, Sys.Stat(dir).Nlink);
        Sys.Rename(Path.Combine(dir, "y"), Path.Combine(Dir(), "y"));
        Assert.Equal(3ul, Sys.Stat(dir).Nlink);
        Assert.Equal(Errno.OK, Sys.TryRmdir(Path.Combine(dir, "x")));
        Assert.Equal(2ul, Sys.Stat(dir).Nlink);
        Assert.Equal(2ul, Sys.Stat(SeedDirectory()).Nlink);
    }

    [Fact]
    public void ReaddirWhileTheDirectoryChangesSeesEveryUnchangedEntryOnce()
    {
        string dir = Path.Combine(Dir(), "busy");
        Sys.Mkdir(dir);
        const int keep = 1000, churn = 300;
        for (int i = 0; i < keep; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"keep-{i:D4}-with-a-longer-name"), []);
        }
        for (int i = 0; i < churn; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"gone-{i:D4}"), []);
        }

        var seen = new List<string>();
        int step = 0;
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
        {
            seen.Add(Path.GetFileName(entry));
            if (step < churn)
            {
                File.WriteAllBytes(Path.Combine(dir, $"new-{step:D4}"), []);
                Sys.Unlink(Path.Combine(dir, $"gone-{step:D4}"));
            }
            step++;
        }

        string[] duplicates = seen.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.True(duplicates.Length == 0, $"entries returned twice: {string.Join(", ", duplicates.Take(10))}");
        string[] missing = Enumerable.Range(0, keep).Select(i => $"keep-{i:D4}-with-a-longer-name").Except(seen).ToArray();
        Assert.True(missing.Length == 0, $"unchanged entries never returned: {string.Join(", ", missing.Take(10))}");
        Assert.Equal(keep + churn, Directory.GetFileSystemEntries(dir).Length);
    }

    [Fact]
    public void NamesUpTo255BytesWorkAndLongerOnesFailWithENAMETOOLONG()
    {
        string dir = Dir();
        string ascii = new('a', 255);
        string utf8 = string.Concat(Enumerable.Repeat("é", 127)) + "x"; // 127 × 2 bytes + 1 = 255 bytes
        foreach (string name in new[] { ascii, utf8 })
        {
            string path = Path.Combine(dir, name);
            File.WriteAllBytes(path, [42]);
            Assert.Equal(S_IFREG, Sys.Stat(path).FileType);
            Assert.Contains(name, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
            string renamed = Path.Combine(SeedDirectory(), name);
            Sys.Rename(path, renamed);
            AssertContent(new byte[] { 42 }, renamed);
            Sys.Mkdir(path);
            Assert.Equal(Errno.OK, Sys.TryRmdir(path));
        }

        string tooLong = Path.Combine(dir, new string('b', 256));
        Assert.Equal(Errno.ENAMETOOLONG, FileDescriptor.TryOpen(tooLong, O_RDWR | O_CREAT, out _));
        Assert.Equal(Errno.ENAMETOOLONG, Sys.TryMkdir(tooLong));
        Assert.Equal(Errno.ENAMETOOLONG, Sys.TryStat(tooLong, out _));
        Assert.Equal(Errno.ENAMETOOLONG, Sys.TryRename(SeedFile(), tooLong));
        Assert.Equal(Errno.ENAMETOOLONG, Sys.TryLink(SeedFile(), tooLong));
    }
}
