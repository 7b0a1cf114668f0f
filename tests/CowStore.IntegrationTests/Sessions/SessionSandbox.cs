using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace CowStore.IntegrationTests.Sessions;

/// <summary>
/// A per-test directory with a state home, a read-only base shaped like a Nix store path (as root: owned
/// by another uid, every write bit removed) and mountpoints. Dispose kills every daemon of its sessions,
/// detaches every mount under it and deletes it.
/// </summary>
internal sealed class SessionSandbox : IDisposable
{
    public const int ForeignUid = 12345;

    public SessionSandbox([CallerMemberName] string testName = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "cowstore-it", $"sessions-{testName}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(Root);
        Home = Path.Combine(Root, "home");
        Base = Path.Combine(Root, "base");
        Directory.CreateDirectory(Base);
    }

    public string Root { get; }

    public string Home { get; }

    public string Base { get; }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>A new empty directory to mount on.</summary>
    public string NewMountpoint(string name = "mnt")
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Makes the base immutable like /nix/store content: foreign owner (root only), no write bits.</summary>
    public void SealBase()
    {
        if (IsRoot)
        {
            Shell("chown", "-R", ForeignUid.ToString(System.Globalization.CultureInfo.InvariantCulture), Base);
        }
        Shell("chmod", "-R", "a-w", Base);
    }

    public CommandResult Cowstore(params string[] arguments) => CowstoreCommand.Run(Home, arguments);

    /// <summary>Runs cowstore and asserts success; returns its result.</summary>
    public CommandResult CowstoreOk(params string[] arguments)
    {
        CommandResult result = Cowstore(arguments);
        Assert.True(result.ExitCode == 0, $"cowstore {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    /// <summary><c>cowstore status --json</c>, parsed.</summary>
    public IReadOnlyList<JsonElement> Status()
    {
        CommandResult result = CowstoreOk("status", "--json");
        using JsonDocument document = JsonDocument.Parse(result.Output);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public JsonElement? StatusOf(string session) =>
        Status().Select(e => (JsonElement?)e).FirstOrDefault(e => e!.Value.GetProperty("name").GetString() == session);

    public void Dispose()
    {
        KillDaemons();
        DetachMounts();
        if (Directory.Exists(Root))
        {
            Shell("chmod", "-R", "u+w", Root);
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A lazily detached mount may still pin a directory for a moment; the temp dir is harmless.
            }
        }
    }

    private void KillDaemons()
    {
        string sessions = Path.Combine(Home, "sessions");
        if (!Directory.Exists(sessions))
        {
            return;
        }
        foreach (string file in Directory.EnumerateFiles(sessions, "session.json", SearchOption.AllDirectories))
        {
            try
            {
                using JsonDocument record = JsonDocument.Parse(File.ReadAllText(file));
                if (record.RootElement.TryGetProperty("daemonPid", out JsonElement pid) && pid.ValueKind == JsonValueKind.Number)
                {
                    using Process daemon = Process.GetProcessById(pid.GetInt32());
                    if (daemon.ProcessName.StartsWith("cowstore", StringComparison.Ordinal) || daemon.ProcessName == "dotnet")
                    {
                        daemon.Kill();
                        daemon.WaitForExit(5000);
                    }
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or JsonException or IOException)
            {
                // Already gone or never recorded.
            }
        }
    }

    private void DetachMounts()
    {
        foreach (string line in File.ReadAllLines("/proc/self/mountinfo").Reverse())
        {
            string mountPoint = Infrastructure.MountInfo.Unescape(line.Split(' ')[4]);
            if (mountPoint.StartsWith(Root + "/", StringComparison.Ordinal))
            {
                if (IsRoot)
                {
                    Shell("umount", "-l", mountPoint);
                }
                else
                {
                    Shell("fusermount3", "-u", "-z", mountPoint);
                }
            }
        }
        // Ephemeral deltas of this sandbox's sessions live in tmpfs, outside Root.
        string sessions = Path.Combine(Home, "sessions");
        if (Directory.Exists(sessions))
        {
            foreach (string? name in Directory.EnumerateDirectories(sessions).Select(Path.GetFileName))
            {
                string shm = Path.Combine("/dev/shm", $"cowstore-{Environment.GetEnvironmentVariable("UID") ?? (IsRoot ? "0" : "")}", name!);
                if (Directory.Exists(shm))
                {
                    Directory.Delete(shm, recursive: true);
                }
            }
        }
    }

    /// <summary>Runs a helper (chmod, chown, umount) whose exit status the caller does not need.</summary>
    internal static void Shell(string program, params string[] arguments) => _ = Infrastructure.ProcessRunner.Run(program, arguments);
}
