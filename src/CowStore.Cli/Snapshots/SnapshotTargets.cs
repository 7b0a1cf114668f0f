using CowStore.Cli.Sessions;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Snapshots;

/// <summary>What <c>&lt;id|prefix|tag|mountpoint|session&gt;</c> names: a store object or a session.</summary>
internal sealed record SnapshotTarget(StoreObject? Object, SessionRecord? Session)
{
    /// <summary>The snapshot the target's content descends from: the object itself, or a session's last commit or snapshot (null: the base).</summary>
    public string? SnapshotId => Object is { Kind: StoreObjectKind.Snapshot } o ? o.Id : Session?.Parent;
}

/// <summary>Resolves the names snapshot commands accept, with failures as one-line CLI errors.</summary>
internal static class SnapshotTargets
{
    /// <summary>A tag, id or id prefix of a snapshot or base.</summary>
    public static StoreObject ResolveObject(SnapshotStore store, string name)
    {
        try
        {
            return store.Resolve(name);
        }
        catch (SnapshotResolveException e)
        {
            throw new CliError(e.Candidates.Count > 1 ? ExitCode.Usage : ExitCode.NotFound, e.Message);
        }
    }

    /// <summary>Like <see cref="ResolveObject"/>, but only a snapshot will do.</summary>
    public static string ResolveSnapshot(SnapshotStore store, string name)
    {
        StoreObject found = ResolveObject(store, name);
        return found.Kind == StoreObjectKind.Snapshot
            ? found.Id
            : throw new CliError(ExitCode.Usage, $"{name} is a base ({found.Id}), not a snapshot");
    }

    /// <summary>
    /// A session (by name, or by mountpoint when the argument looks like a path), else a store object. A session
    /// name wins over a tag of the same spelling: the session is what the user is working in.
    /// </summary>
    public static SnapshotTarget Resolve(StateDirectory state, SnapshotStore store, string name)
    {
        SessionRecord? session = FindSession(new SessionCatalog(state), name);
        if (session is not null)
        {
            return new SnapshotTarget(null, session);
        }
        if (MountSource.LooksLikePath(name))
        {
            throw new CliError(ExitCode.NotFound, $"no session is mounted at {name} (see cowstore status)");
        }
        return new SnapshotTarget(ResolveObject(store, name), null);
    }

    private static SessionRecord? FindSession(SessionCatalog catalog, string name)
    {
        bool path = MountSource.LooksLikePath(name);
        if (!path && SessionNames.IsValid(name))
        {
            return catalog.TryLoad(name);
        }
        if (!path)
        {
            return null;
        }
        string absolute = PathArguments.Absolute(name);
        foreach (string candidate in catalog.Names())
        {
            try
            {
                if (catalog.TryLoad(candidate) is { } record && record.Mountpoint == absolute)
                {
                    return record;
                }
            }
            catch (InvalidDataException)
            {
                // A damaged record names no mountpoint we could trust; status reports it.
            }
        }
        return null;
    }

    /// <summary>A lineage, newest first: <paramref name="id"/>, its parent, ... (stops at a missing or damaged record, reported in <paramref name="broken"/>).</summary>
    public static List<SnapshotRecord> Lineage(SnapshotStore store, string id, out string? broken)
    {
        var chain = new List<SnapshotRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        broken = null;
        for (string? current = id; current is not null && seen.Add(current);)
        {
            try
            {
                SnapshotRecord record = store.ReadRecord(current);
                chain.Add(record);
                current = record.ParentId;
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
            {
                broken = $"snapshot {current}: {e.Message}";
                break;
            }
        }
        return chain;
    }

    /// <summary>Tag names by the id they point at.</summary>
    public static ILookup<string, string> TagsById(SnapshotStore store) =>
        store.ListTags().ToLookup(t => t.Value, t => t.Key, StringComparer.Ordinal);

    /// <summary>The first 12 characters of an id: enough to tell snapshots apart in listings.</summary>
    public static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
