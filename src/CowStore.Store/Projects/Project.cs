using System.Text.Json;
using System.Text.RegularExpressions;

namespace CowStore.Store.Projects;

/// <summary>
/// A project directory and the databases its <c>cowstore.json</c> asks for (the desired state of
/// <c>cowstore up</c>). Format version 1:
/// <code>
/// { "formatVersion": 1,
///   "databases": {
///     "graph": { "base": "/nix/store/…-movies-db", "mountpoint": "db/graph", "mode": "persistent" },
///     "scratch": { "base": "release-1", "mountpoint": "db/scratch", "mode": "ephemeral" } } }
/// </code>
/// </summary>
public sealed partial class Project
{
    public const string FileName = "cowstore.json";
    public const int CurrentFormatVersion = 1;

    private Project(string root, IReadOnlyList<DesiredDatabase> databases)
    {
        Root = root;
        Databases = databases;
    }

    /// <summary>The project directory (absolute, symlink-free).</summary>
    public string Root { get; }

    public string FilePath => Path.Combine(Root, FileName);

    /// <summary>The databases in file order.</summary>
    public IReadOnlyList<DesiredDatabase> Databases { get; }

    /// <summary>The tag every session of this project carries (<see cref="ProjectSessionNames"/>).</summary>
    public string Tag => ProjectSessionNames.Tag(Root);

    /// <summary>Reads <c>cowstore.json</c> in <paramref name="root"/>.</summary>
    /// <param name="root">The project directory, absolute and symlink-free.</param>
    /// <param name="canonicalPath">Resolves symlinks of an absolute path that exists; returns others unchanged.</param>
    /// <exception cref="ProjectFileException">Missing, unreadable or invalid.</exception>
    public static Project Load(string root, Func<string, string> canonicalPath)
    {
        string file = Path.Combine(root, FileName);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ProjectFileException($"no {FileName} in {root}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProjectFileException($"cannot read {file}: {e.Message}", e);
        }
        return Parse(root, file, content, canonicalPath);
    }

    /// <summary>Parses the content of <c>cowstore.json</c> (tests call it without a file).</summary>
    public static Project Parse(string root, string file, ReadOnlySpan<byte> content, Func<string, string> canonicalPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ProjectFileException($"{file} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            JsonElement top = document.RootElement;
            if (top.ValueKind != JsonValueKind.Object)
            {
                throw new ProjectFileException($"{file}: expected a JSON object with formatVersion and databases");
            }
            RejectUnknown(file, "", top, "formatVersion", "databases");
            if (!top.TryGetProperty("formatVersion", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int formatVersion))
            {
                throw new ProjectFileException($"{file}: formatVersion is missing (write \"formatVersion\": {CurrentFormatVersion})");
            }
            if (formatVersion != CurrentFormatVersion)
            {
                throw new ProjectFileException($"{file} has formatVersion {formatVersion}; this cowstore reads formatVersion {CurrentFormatVersion}");
            }
            if (!top.TryGetProperty("databases", out JsonElement databases) || databases.ValueKind != JsonValueKind.Object)
            {
                throw new ProjectFileException($"{file}: \"databases\" must be an object mapping names to {{ base, mountpoint, mode }}");
            }
            var list = new List<DesiredDatabase>();
            foreach (JsonProperty entry in databases.EnumerateObject())
            {
                list.Add(ParseDatabase(root, file, entry, canonicalPath));
            }
            RejectOverlaps(file, list);
            return new Project(root, list);
        }
    }

    private static DesiredDatabase ParseDatabase(string root, string file, JsonProperty entry, Func<string, string> canonicalPath)
    {
        string name = entry.Name;
        if (name.Length > ProjectSessionNames.MaxDatabaseNameLength || !DatabaseName().IsMatch(name))
        {
            throw new ProjectFileException($"{file}: database name '{name}' must be 1-{ProjectSessionNames.MaxDatabaseNameLength} of A-Z a-z 0-9 _ - (not starting with -)");
        }
        JsonElement value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ProjectFileException($"{file}: databases.{name} must be an object {{ base, mountpoint, mode }}");
        }
        RejectUnknown(file, $"databases.{name}.", value, "base", "mountpoint", "mode");
        string baseText = RequiredString(file, name, value, "base");
        string mountpoint = RequiredString(file, name, value, "mountpoint");
        DatabaseMode mode = DatabaseMode.Persistent;
        if (value.TryGetProperty("mode", out JsonElement modeElement))
        {
            mode = modeElement.ValueKind == JsonValueKind.String ? modeElement.GetString() switch
            {
                "persistent" => DatabaseMode.Persistent,
                "ephemeral" => DatabaseMode.Ephemeral,
                _ => throw new ProjectFileException($"{file}: databases.{name}.mode must be \"persistent\" or \"ephemeral\", not \"{modeElement.GetString()}\""),
            } : throw new ProjectFileException($"{file}: databases.{name}.mode must be \"persistent\" or \"ephemeral\"");
        }
        if (Path.IsPathRooted(mountpoint) || mountpoint.StartsWith('~'))
        {
            throw new ProjectFileException($"{file}: databases.{name}.mountpoint must be relative to the project, not {mountpoint}");
        }
        string absoluteMountpoint = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, mountpoint)));
        if (!absoluteMountpoint.StartsWith(root + "/", StringComparison.Ordinal))
        {
            throw new ProjectFileException($"{file}: databases.{name}.mountpoint {mountpoint} leaves the project directory");
        }
        return new DesiredDatabase
        {
            Name = name,
            Base = baseText,
            BasePath = LooksLikePath(baseText) ? canonicalPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(ExpandHome(baseText), root))) : null,
            RelativeMountpoint = mountpoint,
            Mountpoint = canonicalPath(absoluteMountpoint),
            Mode = mode,
            SessionName = ProjectSessionNames.For(root, name),
        };
    }

    /// <summary>Paths contain a slash or start with . or ~; anything else is a snapshot id or tag.</summary>
    public static bool LooksLikePath(string baseText) =>
        baseText.Contains('/', StringComparison.Ordinal) || baseText.StartsWith('.') || baseText.StartsWith('~');

    private static void RejectOverlaps(string file, List<DesiredDatabase> databases)
    {
        foreach (DesiredDatabase a in databases)
        {
            foreach (DesiredDatabase b in databases)
            {
                if (ReferenceEquals(a, b))
                {
                    continue;
                }
                if (a.Mountpoint == b.Mountpoint || b.Mountpoint.StartsWith(a.Mountpoint + "/", StringComparison.Ordinal))
                {
                    throw new ProjectFileException($"{file}: databases {a.Name} and {b.Name} overlap ({a.RelativeMountpoint}, {b.RelativeMountpoint}); give each its own directory");
                }
            }
        }
    }

    private static string RequiredString(string file, string name, JsonElement value, string property)
    {
        if (!value.TryGetProperty(property, out JsonElement element) || element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            throw new ProjectFileException($"{file}: databases.{name}.{property} is missing (a non-empty string)");
        }
        return element.GetString()!;
    }

    private static void RejectUnknown(string file, string prefix, JsonElement element, params string[] known)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ProjectFileException($"{file}: unknown field {prefix}{property.Name} (known: {string.Join(", ", known)})");
            }
        }
    }

    private static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home + path[1..];
        }
        return path;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_-]*$")]
    private static partial Regex DatabaseName();
}
