using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>Open-but-unlinked files: usable until closed, invisible in the directory, space freed at close.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void AnUnlinkedOpenFileStaysUsableAndIsFreedAtClose()
    {
        string dir = Dir();
        string path = Path.Combine(dir, "scratch");
        const int size = 64 * 1024 * 1024;
        byte[] chunk = Pattern(1024 * 1024, 5);
        FileDescriptor fd = FileDescriptor.Open(path, O_RDWR | O_CREAT | O_EXCL);
        try
        {
            Sys.Unlink(path);
            Assert.Equal(Errno.ENOENT, Sys.TryStat(path, out _));
            for (int offset = 0; offset < size; offset += chunk.Length)
            {
                fd.PWrite(offset, chunk);
            }
            Assert.Equal(Errno.OK, fd.TryFSync());
            StatBuffer st = fd.Stat();
            Assert.Equal(0ul, st.Nlink);
            Assert.Equal(size, st.Size);
            AssertBytes(chunk, fd.PRead(size - chunk.Length, chunk.Length), "read after unlink");
            fd.Truncate(size - 10);
            Assert.Equal(size - 10, fd.Stat().Size);
            // No hidden stand-in names (libfuse's high-level API leaves .fuse_hidden* files).
            Assert.Equal([SeedLayout.FileName, SeedLayout.DirectoryName],
                Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

            ulong freeBefore = fd.StatVfs().BlocksFree * fd.StatVfs().FragmentSize;
            Assert.Equal(Errno.OK, fd.CloseChecked());
            // The release reaches the daemon asynchronously; give it a moment.
            long freed = 0;
            for (int attempt = 0; attempt < 50 && freed < size / 2; attempt++)
            {
                StatVfsBuffer now = Sys.StatVfs(dir);
                freed = (long)(now.BlocksFree * now.FragmentSize) - (long)freeBefore;
                if (freed < size / 2)
                {
                    Thread.Sleep(20);
                }
            }
            Assert.True(freed >= size / 2, $"closing the last fd of an unlinked 64 MiB file freed only {freed} bytes");
        }
        finally
        {
            fd.Dispose();
        }
        // The name is free for a new file.
        File.WriteAllBytes(path, [1]);
        AssertContent(new byte[] { 1 }, path);
    }
}
