namespace CowStore.Store.Sessions;

/// <summary>
/// Ephemeral sessions keep their delta in memory-backed tmpfs: <c>$XDG_RUNTIME_DIR/cowstore/&lt;name&gt;</c>
/// when that directory is on tmpfs, else <c>/dev/shm/cowstore-&lt;uid&gt;/&lt;name&gt;</c>.
/// </summary>
public static class EphemeralDeltaLocation
{
    public static string For(string sessionName, Func<string, string?> getVariable, MountTable mounts, uint uid)
    {
        string? runtime = getVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime) && Directory.Exists(runtime)
            && mounts.FindContaining(runtime)?.FileSystemType == "tmpfs")
        {
            return Path.Combine(runtime, "cowstore", sessionName);
        }
        return Path.Combine("/dev/shm", $"cowstore-{uid}", sessionName);
    }
}
