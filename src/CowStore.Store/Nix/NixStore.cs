using System.Text.RegularExpressions;

namespace CowStore.Store.Nix;

/// <summary>
/// The Nix store as cowstore uses it: recognising store paths (external bases), adding a directory as a
/// content-addressed path (<c>export --to-nix</c>) and checking a path against its recorded hash.
/// Everything goes through the <c>nix-store</c> command, so it works with a single-user store (root)
/// and with a nix-daemon alike.
/// </summary>
public static partial class NixStore
{
    /// <summary><c>$NIX_STORE_DIR</c>, else <c>/nix/store</c>.</summary>
    public static string StoreDirectory
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("NIX_STORE_DIR");
            return string.IsNullOrEmpty(configured) ? "/nix/store" : Path.TrimEndingDirectorySeparator(configured);
        }
    }

    /// <summary>
    /// The top-level store path (<c>/nix/store/&lt;hash&gt;-&lt;name&gt;</c>) that contains the absolute
    /// <paramref name="path"/>, or null when it is not inside the Nix store.
    /// </summary>
    public static string? StorePathOf(string path)
    {
        string full = Path.GetFullPath(path);
        string prefix = StoreDirectory + "/";
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        string entry = full[prefix.Length..].Split('/', 2)[0];
        return StoreEntry().IsMatch(entry) ? prefix + entry : null;
    }

    /// <summary>True for a valid store path name: <c>[A-Za-z0-9+-._?=]</c>, not starting with a dot, at most 211 characters.</summary>
    public static bool IsValidName(string name) => name.Length is > 0 and <= 211 && StoreName().IsMatch(name);

    /// <summary>
    /// Adds <paramref name="directory"/> to the store as a content-addressed path named <paramref name="name"/>
    /// (<c>nix-store --add-fixed --recursive sha256</c>: the NAR serialisation's SHA-256 is the identity, so
    /// the same content gives the same path on every machine) and returns the store path. Nix copies the
    /// tree; owners, timestamps and modes other than the executable bit are not kept.
    /// </summary>
    /// <remarks>The new path is not a GC root: protect it (<see cref="NixGcRoots"/>) before relying on it.</remarks>
    public static string AddFixedRecursive(string directory, string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Nix store name (A-Z a-z 0-9 + - . _ ? =, not starting with a dot)", nameof(name));
        }
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"not a directory: {full}");
        }
        // nix-store --add-fixed names the path after the directory; `nix store add-path --name` computes the
        // same fixed-output path (recursive, sha256) under another name, so no copy is needed to rename.
        string output = Path.GetFileName(full) == name
            ? NixCommand.Run("nix-store", "--add-fixed", "--recursive", "sha256", full)
            : NixCommand.Run("nix", "--extra-experimental-features", "nix-command", "store", "add-path", "--name", name, full);
        return ParseStorePath(output);
    }

    /// <summary>
    /// <c>nix-store --verify-path</c>: true when the content of <paramref name="storePath"/> still has the hash
    /// recorded when it was added, false when it was modified.
    /// </summary>
    public static bool VerifyPath(string storePath)
    {
        try
        {
            NixCommand.Run("nix-store", "--verify-path", storePath);
            return true;
        }
        catch (NixException e) when (e.Message.Contains("modified", StringComparison.Ordinal) || e.Message.Contains("(exit 1)", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>True when Nix knows <paramref name="storePath"/> as a valid (registered, complete) path.</summary>
    public static bool IsValid(string storePath)
    {
        try
        {
            NixCommand.Run("nix-store", "--check-validity", storePath);
            return true;
        }
        catch (NixException e) when (e.Message.Contains("is not valid", StringComparison.Ordinal))
        {
            return false;
        }
    }

    internal static string ParseStorePath(string output)
    {
        string? line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (line is null || StorePathOf(line) != line)
        {
            throw new NixException($"Nix printed no store path: '{output.Trim()}'");
        }
        return line;
    }

    // Nix's base32 alphabet omits e, o, u and t.
    [GeneratedRegex("^[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\\-_?=][A-Za-z0-9+\\-._?=]*$")]
    private static partial Regex StoreEntry();

    [GeneratedRegex("^[A-Za-z0-9+\\-_?=][A-Za-z0-9+\\-._?=]*$")]
    private static partial Regex StoreName();
}
