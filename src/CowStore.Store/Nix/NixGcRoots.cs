using CowStore.Store.Catalog;

namespace CowStore.Store.Nix;

/// <summary>
/// Keeps Nix's garbage collector away from store paths cowstore depends on. Each dependant (a session over
/// a <c>/nix/store</c> base, a snapshot whose lineage starts there) gets a symlink
/// <c>&lt;state&gt;/gcroots/&lt;root name&gt;</c> → store path, registered with Nix as an indirect root
/// (<c>nix-store --add-root LINK --indirect --realise PATH</c>: Nix keeps a link to our link in
/// <c>/nix/var/nix/gcroots/auto</c>). Releasing deletes our link; Nix then ignores the dangling one.
/// </summary>
public sealed class NixGcRoots(StateDirectory state)
{
    /// <summary><c>&lt;state&gt;/gcroots</c>.</summary>
    public string Directory { get; } = Path.Combine(state.Root, "gcroots");

    /// <summary>The root name for a session (one per session; a session depends on one base).</summary>
    public static string SessionRoot(string sessionName) => $"session-{sessionName}";

    /// <summary>The root name for a snapshot that depends on an external store path.</summary>
    public static string SnapshotRoot(string snapshotId) => $"snapshot-{snapshotId}";

    /// <summary>The root name for a registered base record (every snapshot over that base depends on it).</summary>
    public static string BaseRoot(string baseId) => $"base-{baseId}";

    /// <summary>The link file of <paramref name="rootName"/>.</summary>
    public string LinkPath(string rootName)
    {
        if (rootName.Length == 0 || rootName.Contains('/', StringComparison.Ordinal) || rootName.StartsWith('.'))
        {
            throw new ArgumentException($"invalid GC root name: '{rootName}'", nameof(rootName));
        }
        return Path.Combine(Directory, rootName);
    }

    /// <summary>
    /// Protects the store path containing <paramref name="path"/> under <paramref name="rootName"/> (replacing
    /// what that name protected before) and returns it; returns null, doing nothing, when
    /// <paramref name="path"/> is not in the Nix store.
    /// </summary>
    /// <exception cref="NixException">Nix is missing or refused, e.g. an unprivileged user with a root-owned single-user store.</exception>
    public string? Protect(string rootName, string path)
    {
        string? storePath = NixStore.StorePathOf(path);
        if (storePath is null)
        {
            return null;
        }
        string link = LinkPath(rootName);
        DurableFile.CreateDirectory(Directory);
        NixCommand.Run("nix-store", "--add-root", link, "--indirect", "--realise", storePath);
        DurableFile.SyncDirectory(Directory);
        return storePath;
    }

    /// <summary>
    /// <see cref="Protect"/> for callers that must go on without the protection (a mount by a user who cannot
    /// register roots with a root-owned single-user store): a failure becomes one warning line on
    /// <paramref name="warnings"/> and null.
    /// </summary>
    public string? TryProtect(string rootName, string path, TextWriter warnings)
    {
        try
        {
            return Protect(rootName, path);
        }
        catch (Exception e) when (e is NixException or IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"cowstore: warning: {NixStore.StorePathOf(path)} is not protected from nix-collect-garbage: {e.Message}");
            return null;
        }
    }

    /// <summary>Releases every root whose name <paramref name="keep"/> rejects (a sweep after a crash between removal and release); returns their names.</summary>
    public IReadOnlyList<string> ReleaseAllExcept(Func<string, bool> keep)
    {
        var released = new List<string>();
        foreach (string rootName in List().Keys)
        {
            if (!keep(rootName) && Release(rootName))
            {
                released.Add(rootName);
            }
        }
        return released;
    }

    /// <summary>Drops the root <paramref name="rootName"/>; true if it existed. Needs no Nix command.</summary>
    public bool Release(string rootName)
    {
        string link = LinkPath(rootName);
        if (!File.Exists(link) && new FileInfo(link).LinkTarget is null)
        {
            return false;
        }
        File.Delete(link);
        DurableFile.SyncDirectory(Directory);
        return true;
    }

    /// <summary>The store path <paramref name="rootName"/> protects, or null when there is no such root.</summary>
    public string? ProtectedPath(string rootName) => new FileInfo(LinkPath(rootName)).LinkTarget;

    /// <summary>Every root name with the store path it protects.</summary>
    public IReadOnlyDictionary<string, string> List()
    {
        var roots = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(Directory))
        {
            return roots;
        }
        foreach (string link in System.IO.Directory.EnumerateFileSystemEntries(Directory))
        {
            string? target = new FileInfo(link).LinkTarget;
            if (target is not null)
            {
                roots[Path.GetFileName(link)] = target;
            }
        }
        return roots;
    }
}
