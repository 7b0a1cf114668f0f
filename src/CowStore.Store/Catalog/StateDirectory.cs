namespace CowStore.Store.Catalog;

/// <summary>
/// Where cowstore keeps its catalog and sessions: <c>$COWSTORE_HOME</c>, else
/// <c>$XDG_DATA_HOME/cowstore</c>, else <c>~/.local/share/cowstore</c>.
/// </summary>
public sealed class StateDirectory
{
    public StateDirectory(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public string SessionsDirectory => Path.Combine(Root, "sessions");

    /// <summary>Serialises commands that change the catalog (see <see cref="CatalogLock"/>).</summary>
    public string LockPath => Path.Combine(Root, "catalog.lock");

    public string SessionDirectory(string name) => Path.Combine(SessionsDirectory, name);

    public string SessionFile(string name) => Path.Combine(SessionDirectory(name), "session.json");

    /// <summary>The delta of a persistent session; ephemeral ones live in tmpfs (<see cref="EphemeralDeltaLocation"/>).</summary>
    public string PersistentDeltaDirectory(string name) => Path.Combine(SessionDirectory(name), "delta");

    public string DaemonLog(string name) => Path.Combine(SessionDirectory(name), "daemon.log");

    /// <summary>The socket a session's daemon answers commands on (a live commit).</summary>
    public string ControlSocket(string name) => Path.Combine(SessionDirectory(name), "control.sock");

    /// <summary>Committed snapshots, their packs, tags and base records.</summary>
    public string StoreDirectory => Path.Combine(Root, "store");

    /// <summary>Resolves the state directory from the environment of this process.</summary>
    public static StateDirectory FromEnvironment() => new(Resolve(Environment.GetEnvironmentVariable));

    /// <summary>Resolves the state directory path from <paramref name="getVariable"/> (tests pass their own).</summary>
    public static string Resolve(Func<string, string?> getVariable)
    {
        string? explicitHome = getVariable("COWSTORE_HOME");
        if (!string.IsNullOrEmpty(explicitHome))
        {
            return Path.GetFullPath(explicitHome);
        }
        // The XDG spec says relative values are invalid and must be ignored.
        string? dataHome = getVariable("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome) && Path.IsPathRooted(dataHome))
        {
            return Path.Combine(dataHome, "cowstore");
        }
        string? home = getVariable("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }
        if (string.IsNullOrEmpty(home))
        {
            throw new InvalidOperationException("cannot find the state directory: set COWSTORE_HOME or HOME");
        }
        return Path.Combine(home, ".local", "share", "cowstore");
    }
}
