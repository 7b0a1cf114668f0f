using System.IO.MemoryMappedFiles;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix;

/// <summary>Shared writable mmap, seen by read() in this process and in another one.</summary>
public abstract partial class PosixConformanceTests
{
    [Fact]
    public void SharedWritableMmapIsSeenByReadInThisAndAnotherProcess()
    {
        string path = SeedFile();
        byte[] expected = SeedLayout.FileContent.ToArray();

        // Another process maps and writes across a page boundary; we read it with pread.
        Probe.Run("mmap-write", path, "4094", "deadbeefcafe").ShouldSucceed();
        Convert.FromHexString("deadbeefcafe").CopyTo(expected, 4094);
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDONLY))
        {
            AssertBytes(expected.AsSpan(4090, 16), fd.PRead(4090, 16), "pread after another process's mmap write");
        }

        // We map and write (the daemon is another process, so this cannot deadlock); another process reads.
        using (var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite))
        using (MemoryMappedViewAccessor view = map.CreateViewAccessor(65536 - 3, 8))
        {
            view.WriteArray(0, "12345678"u8.ToArray(), 0, 8);
            view.Flush(); // msync
        }
        "12345678"u8.CopyTo(expected.AsSpan(65536 - 3));
        Assert.Equal(Convert.ToHexStringLower(expected.AsSpan(65530, 16)), Probe.Run("read", path, "65530", "16").ShouldSucceed().Value);

        // A pwrite is visible through another process's mapping.
        using (FileDescriptor fd = FileDescriptor.Open(path, O_RDWR))
        {
            fd.PWrite(100_000, "pw"u8);
        }
        "pw"u8.CopyTo(expected.AsSpan(100_000));
        Assert.Equal(Convert.ToHexStringLower(expected.AsSpan(99_999, 4)), Probe.Run("mmap-read", path, "99999", "4").ShouldSucceed().Value);
        AssertContent(expected, path);
    }
}
