using System.Text.Json;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>What the tests of the snapshot verbs (log, ls, tag, diff, gc, verify, export, import, squash) share.</summary>
internal static class SnapshotVerbSandbox
{
    /// <summary><c>cowstore mount &lt;source&gt; &lt;new mountpoint&gt;</c>; returns the mountpoint and the session name.</summary>
    public static (string Mountpoint, string Session) Mount(this SessionSandbox sandbox, string source, string name, params string[] extra)
    {
        string mountpoint = sandbox.NewMountpoint(name);
        string session = sandbox.CowstoreOk(["mount", .. extra, source, mountpoint]).LastLine;
        return (mountpoint, session);
    }

    /// <summary>Ids of the complete snapshots in the store, ordered.</summary>
    public static List<string> SnapshotIds(this SessionSandbox sandbox)
    {
        string snapshots = Path.Combine(sandbox.StoreDirectory(), "snapshots");
        return Directory.Exists(snapshots) ? Directory.EnumerateDirectories(snapshots).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>Every file of the store's packs/ directory, ordered.</summary>
    public static List<string> PackFiles(this SessionSandbox sandbox)
    {
        string packs = Path.Combine(sandbox.StoreDirectory(), "packs");
        return Directory.Exists(packs) ? Directory.EnumerateFiles(packs).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary><c>cowstore ls --json</c>, parsed.</summary>
    public static List<JsonElement> Listing(this SessionSandbox sandbox)
    {
        using JsonDocument document = JsonDocument.Parse(sandbox.CowstoreOk("ls", "--json").Output);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Writes <paramref name="length"/> random bytes (seeded) as a new file and returns them.</summary>
    public static byte[] WriteRandomFile(string path, int length, int seed)
    {
        byte[] content = new byte[length];
        new Random(seed).NextBytes(content);
        File.WriteAllBytes(path, content);
        return content;
    }

    /// <summary>Bytes the filesystem allocated for a file (st_blocks × 512).</summary>
    public static long AllocatedBytes(string path)
    {
        Assert.True(Infrastructure.Interop.Libc.LStat(path, out Infrastructure.Interop.StatBuffer stat) == 0, $"lstat {path}: errno {Infrastructure.Interop.Libc.Errno}");
        return stat.Blocks * 512;
    }

    /// <summary>Copies a directory tree with cp -a.</summary>
    public static void CopyTree(string from, string to)
    {
        ProcessResult copy = ProcessRunner.Run("cp", ["-a", from, to]);
        Assert.True(copy.ExitCode == 0, copy.ToString());
    }
}
