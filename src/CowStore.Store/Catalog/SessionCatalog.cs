using System.Text.Json;

namespace CowStore.Store.Catalog;

/// <summary>
/// The desired state of every session: one durable <c>session.json</c> per session directory.
/// Reads tolerate damage (a damaged record is reported, never silently dropped or overwritten).
/// </summary>
public sealed class SessionCatalog(StateDirectory state)
{
    public StateDirectory State { get; } = state;

    /// <summary>Names of every session directory, ordered; their records may still be missing or damaged.</summary>
    public IReadOnlyList<string> Names()
    {
        if (!Directory.Exists(State.SessionsDirectory))
        {
            return [];
        }
        var names = new List<string>();
        foreach (string directory in Directory.EnumerateDirectories(State.SessionsDirectory))
        {
            string name = Path.GetFileName(directory);
            // Dot names are removals in progress (see RemoveTree).
            if (!name.StartsWith('.'))
            {
                names.Add(name);
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>The record of <paramref name="name"/>, or null when no such session exists.</summary>
    /// <exception cref="InvalidDataException">The record exists but cannot be read.</exception>
    public SessionRecord? TryLoad(string name)
    {
        string path = State.SessionFile(name);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        SessionRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(content, CatalogJsonContext.Default.SessionRecord);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"session record {path} is damaged: {e.Message}", e);
        }
        if (record is null || record.Name != name)
        {
            throw new InvalidDataException($"session record {path} is damaged: it does not describe session '{name}'");
        }
        if (record.FormatVersion > SessionRecord.CurrentFormatVersion)
        {
            throw new InvalidDataException($"session record {path} has format {record.FormatVersion}; this cowstore reads up to {SessionRecord.CurrentFormatVersion}");
        }
        return record;
    }

    /// <summary>Publishes <paramref name="record"/> durably (temp, fsync, rename, fsync directory).</summary>
    public void Save(SessionRecord record)
    {
        DurableFile.CreateDirectory(State.SessionsDirectory);
        DurableFile.CreateDirectory(State.SessionDirectory(record.Name));
        byte[] content = JsonSerializer.SerializeToUtf8Bytes(record, CatalogJsonContext.Default.SessionRecord);
        DurableFile.WriteAllBytes(State.SessionFile(record.Name), content);
    }

    /// <summary>
    /// Removes the session and its delta. The directories are first renamed to a <c>.removed-*</c> name
    /// (atomic), so a crash midway leaves either the whole session or garbage no command reads.
    /// </summary>
    public void Remove(SessionRecord record)
    {
        // The session no longer holds its base: Nix may collect it again.
        new Nix.NixGcRoots(State).Release(Nix.NixGcRoots.SessionRoot(record.Name));
        string sessionDirectory = State.SessionDirectory(record.Name);
        if (!PathIsInside(record.DeltaDirectory, sessionDirectory))
        {
            RemoveTree(record.DeltaDirectory);
        }
        RemoveTree(sessionDirectory);
    }

    /// <summary>Throws the delta of <paramref name="record"/> away and leaves an empty one in its place.</summary>
    public void ResetDelta(SessionRecord record)
    {
        RemoveTree(record.DeltaDirectory);
        DurableFile.CreateDirectory(record.DeltaDirectory);
    }

    /// <summary>Renames <paramref name="path"/> to a sibling <c>.discarded-*</c> name, fsyncs, then deletes it.</summary>
    public static void RemoveTree(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path))!;
        string graveyard = Path.Combine(parent, $".discarded-{Path.GetFileName(path)}-{Guid.NewGuid():N}");
        DurableFile.MoveDirectory(path, graveyard);
        Directory.Delete(graveyard, recursive: true);
    }

    private static bool PathIsInside(string path, string directory) =>
        Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + "/", StringComparison.Ordinal);
}
