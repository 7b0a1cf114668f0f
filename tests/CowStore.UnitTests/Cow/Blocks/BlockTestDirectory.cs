using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>A per-test temp directory named after the test; optionally a small tmpfs mounted inside it (for ENOSPC).</summary>
internal sealed class BlockTestDirectory : IDisposable
{
    private readonly List<string> _mounts = [];

    public BlockTestDirectory([CallerMemberName] string testName = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "cowstore-blocks-tests", $"{testName}-{Environment.ProcessId}");
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Bytes allocated to the data file of the delta at <paramref name="prefix"/> (0 when it does not exist).</summary>
    public static long DataAllocated(string prefix)
    {
        string path = prefix + ".data";
        if (!File.Exists(path))
        {
            return 0;
        }
        using var process = Process.Start(new ProcessStartInfo("stat", $"-c %b {path}") { RedirectStandardOutput = true })!;
        long blocks = long.Parse(process.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        process.WaitForExit();
        return blocks * 512;
    }

    /// <summary>Writes a base file (content given) and makes it read-only like a /nix/store file.</summary>
    public string CreateBase(string name, ReadOnlySpan<byte> content)
    {
        string path = PathOf(name);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(content);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return path;
    }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> at a new subdirectory (root only); unmounted in Dispose.</summary>
    public string MountTmpfs(string name, long bytes)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(path);
        Run("mount", $"-t tmpfs -o size={bytes} cowstore-test {path}");
        _mounts.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (string mount in _mounts)
        {
            Run("umount", mount, throwOnFailure: false);
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A still-mounted tmpfs would make this fail; the mount was lazily detached above anyway.
        }
    }

    private static void Run(string command, string arguments, bool throwOnFailure = true)
    {
        using Process process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"{command} {arguments} failed: {error}");
        }
        if (process.ExitCode != 0 && command == "umount")
        {
            Run("umount", "-l " + arguments, throwOnFailure: false);
        }
    }
}
