using System.Text;
using CowStore.IntegrationTests.Infrastructure.Interop;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore export</c> and <c>cowstore import</c> end to end.</summary>
public sealed class SnapshotExportImportTests
{
    [Fact]
    public void Export_WritesTheMountedContent_Sparse_WithModesLinksXattrsAndTimes()
    {
        using var sandbox = new SessionSandbox();
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(sandbox.Base, "data.bin"), 300_000, 1);
        using (var sparse = File.Create(Path.Combine(sandbox.Base, "holes.bin")))
        {
            sparse.SetLength(16 << 20);
            sparse.Position = 5 << 20;
            sparse.Write(Encoding.ASCII.GetBytes("island"));
        }
        Directory.CreateDirectory(Path.Combine(sandbox.Base, "dir", "sub"));
        File.WriteAllText(Path.Combine(sandbox.Base, "dir", "sub", "deep.txt"), "deep");
        File.CreateSymbolicLink(Path.Combine(sandbox.Base, "dir", "link"), "sub/deep.txt");
        sandbox.SealBase();
        (string mnt, string session) = sandbox.Mount(sandbox.Base, "mnt");
        SnapshotSandbox.WriteAt(Path.Combine(mnt, "data.bin"), 4096 * 10, new byte[5000].Select(_ => (byte)3).ToArray());
        using (var zeros = File.Create(Path.Combine(mnt, "mostly-zero.bin")))
        {
            zeros.SetLength(32 << 20);
            zeros.Position = 7 << 20;
            zeros.Write(new byte[8192].Select(_ => (byte)5).ToArray());
        }
        File.WriteAllText(Path.Combine(mnt, "tool.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(mnt, "tool.sh"), (UnixFileMode)Convert.ToInt32("751", 8));
        File.CreateSymbolicLink(Path.Combine(mnt, "new-link"), "../elsewhere");
        Assert.Equal(0, SetXattr(Path.Combine(mnt, "tool.sh"), "user.purpose", "demo"));
        File.SetLastWriteTimeUtc(Path.Combine(mnt, "tool.sh"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        string id = sandbox.Commit(session);

        (string check, _) = sandbox.Mount(id, "check");
        string export = Path.Combine(sandbox.Root, "export");
        CommandResult result = sandbox.CowstoreOk("export", id[..10], export);
        Assert.Contains("exported snapshot", result.Output, StringComparison.Ordinal);

        // Modes of base files show with the owner's write bit on a mount (sessions present files as writable), so
        // contents and types are compared tree-wide and modes where the snapshot has them exactly.
        Assert.True(SnapshotTrees.AssertSameContent(check, export, compareModes: false) >= 5);
        Assert.Equal((UnixFileMode)Convert.ToInt32("751", 8), File.GetUnixFileMode(Path.Combine(export, "tool.sh")));
        // A base file the session never touched keeps the base's mode exactly (the mount shows it writable).
        Assert.Equal(File.GetUnixFileMode(Path.Combine(sandbox.Base, "dir", "sub", "deep.txt")), File.GetUnixFileMode(Path.Combine(export, "dir", "sub", "deep.txt")));
        Assert.Equal("sub/deep.txt", new FileInfo(Path.Combine(export, "dir", "link")).LinkTarget);
        Assert.Equal("../elsewhere", new FileInfo(Path.Combine(export, "new-link")).LinkTarget);
        Assert.Equal("demo", GetXattr(Path.Combine(export, "tool.sh"), "user.purpose"));
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), File.GetLastWriteTimeUtc(Path.Combine(export, "tool.sh")));
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(check, "dir", "sub", "deep.txt")), File.GetLastWriteTimeUtc(Path.Combine(export, "dir", "sub", "deep.txt")));

        // Sparse: zero blocks are holes.
        long mostlyZero = SnapshotVerbSandbox.AllocatedBytes(Path.Combine(export, "mostly-zero.bin"));
        Assert.True(mostlyZero <= 1 << 20, $"mostly-zero.bin: {mostlyZero} bytes allocated for 32 MiB with 8 KiB of data");
        Assert.True(SnapshotVerbSandbox.AllocatedBytes(Path.Combine(export, "holes.bin")) <= 1 << 20);
        Assert.Equal(32 << 20, new FileInfo(Path.Combine(export, "mostly-zero.bin")).Length);

        // The destination must be empty; nothing is left beside it.
        Assert.Equal(4, sandbox.Cowstore("export", id, export).ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Root, ".*"));
    }

    [Fact]
    public void Import_RegistersADirectoryByContent_AndMountByIdShowsIt()
    {
        using var sandbox = new SessionSandbox();
        string golden = Path.Combine(sandbox.Root, "golden");
        Directory.CreateDirectory(Path.Combine(golden, "nested"));
        SnapshotVerbSandbox.WriteRandomFile(Path.Combine(golden, "nested", "data.bin"), 200_000, 5);
        File.WriteAllText(Path.Combine(golden, "readme"), "golden copy");
        string id = sandbox.CowstoreOk("import", golden).LastLine;
        Assert.Matches("^[0-9a-df-np-sv-z]{52}$", id);
        Assert.Equal(id, sandbox.CowstoreOk("import", golden).LastLine);
        string twin = Path.Combine(sandbox.Root, "twin");
        SnapshotVerbSandbox.CopyTree(golden, twin);
        Assert.Equal(id, sandbox.CowstoreOk("import", twin).LastLine);

        (string mnt, _) = sandbox.Mount(id, "mnt");
        SnapshotTrees.AssertSameContent(golden, mnt, compareModes: false);
        File.WriteAllText(Path.Combine(mnt, "readme"), "changed in the session");
        Assert.Equal("golden copy", File.ReadAllText(Path.Combine(golden, "readme")));
        Assert.Equal(3, sandbox.Cowstore("import", Path.Combine(sandbox.Root, "missing")).ExitCode);
    }

    private static unsafe int SetXattr(string path, string name, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* v = bytes)
        {
            return Libc.LSetXattr(path, name, v, (nuint)bytes.Length, 0) == 0 ? 0 : Libc.Errno;
        }
    }

    private static unsafe string? GetXattr(string path, string name)
    {
        byte[] buffer = new byte[256];
        fixed (byte* b = buffer)
        {
            nint n = Libc.LGetXattr(path, name, b, (nuint)buffer.Length);
            return n < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
    }
}
