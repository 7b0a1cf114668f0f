namespace CowStore.Core.Snapshots;

/// <summary>What a name given by the user refers to.</summary>
public enum StoreObjectKind
{
    Snapshot,
    Base,
}

/// <summary>A resolved store object.</summary>
public readonly record struct StoreObject(StoreObjectKind Kind, string Id);

/// <summary>A name that resolves to nothing, to several objects, or is too short; the message is one line for the user.</summary>
public sealed class SnapshotResolveException(string message, IReadOnlyList<StoreObject> candidates) : Exception(message)
{
    /// <summary>For an ambiguous prefix: the objects it matches.</summary>
    public IReadOnlyList<StoreObject> Candidates { get; } = candidates;
}

public sealed partial class SnapshotStore
{
    private const int MaxCandidatesShown = 10;

    /// <summary>
    /// Resolves a tag, a full id or an id prefix (at least 4 characters) to a snapshot or base. A tag wins over a
    /// prefix of the same spelling.
    /// </summary>
    /// <exception cref="SnapshotResolveException">Unknown, ambiguous (the message lists the candidates) or too short.</exception>
    public StoreObject Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsValidTagName(name) && ReadTag(name) is { } tagged)
        {
            return Find(tagged) ?? throw new SnapshotResolveException($"tag {name} points at {tagged}, which is not in the store", []);
        }
        if (SnapshotId.IsValid(name))
        {
            return Find(name) ?? throw new SnapshotResolveException($"no snapshot or base {name} in the store", []);
        }
        if (name.Length < SnapshotId.MinPrefixLength && name.All(NixBase32.IsAlphabet) && name.Length > 0)
        {
            throw new SnapshotResolveException($"\"{name}\" is too short to name a snapshot: give at least {SnapshotId.MinPrefixLength} characters of its id, or a tag", []);
        }
        if (!SnapshotId.IsValidPrefix(name))
        {
            throw new SnapshotResolveException($"no snapshot, base or tag named \"{name}\"", []);
        }
        var candidates = SnapshotIds().Where(id => id.StartsWith(name, StringComparison.Ordinal)).Select(id => new StoreObject(StoreObjectKind.Snapshot, id))
            .Concat(BaseIds().Where(id => id.StartsWith(name, StringComparison.Ordinal)).Select(id => new StoreObject(StoreObjectKind.Base, id)))
            .ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new SnapshotResolveException($"no snapshot, base or tag named \"{name}\"", []),
            _ => throw new SnapshotResolveException(
                $"\"{name}\" is ambiguous: it matches {candidates.Count} objects: "
                + string.Join(", ", candidates.Take(MaxCandidatesShown).Select(c => $"{c.Kind.ToString().ToLowerInvariant()} {c.Id}"))
                + (candidates.Count > MaxCandidatesShown ? ", ..." : ""), candidates),
        };
    }

    /// <summary>The snapshot or base with exactly this id, if the store has it.</summary>
    public StoreObject? Find(string id) =>
        Contains(id) ? new StoreObject(StoreObjectKind.Snapshot, id)
        : ContainsBase(id) ? new StoreObject(StoreObjectKind.Base, id)
        : null;
}
