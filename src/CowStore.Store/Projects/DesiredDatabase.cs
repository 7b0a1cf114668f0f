namespace CowStore.Store.Projects;

/// <summary>
/// One database of a project, as cowstore.json asks for it, with its paths made absolute and the name of
/// the session that serves it (<see cref="ProjectSessionNames"/>).
/// </summary>
public sealed record DesiredDatabase
{
    /// <summary>The key in cowstore.json's <c>databases</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The base exactly as written in the file (a path, a /nix/store path, a snapshot id or tag).</summary>
    public required string Base { get; init; }

    /// <summary>
    /// The base as an absolute, symlink-free path when it is written as a path (relative ones are relative to
    /// the project); null when it is a snapshot id or tag, which <c>cowstore mount</c> resolves.
    /// </summary>
    public string? BasePath { get; init; }

    /// <summary>The mountpoint as written (relative to the project).</summary>
    public required string RelativeMountpoint { get; init; }

    /// <summary>Absolute mountpoint inside the project.</summary>
    public required string Mountpoint { get; init; }

    public required DatabaseMode Mode { get; init; }

    public required string SessionName { get; init; }

    public bool Ephemeral => Mode == DatabaseMode.Ephemeral;

    /// <summary>What to hand <c>cowstore mount</c> as the base.</summary>
    public string MountArgument => BasePath ?? Base;

    /// <summary>
    /// Whether a session over <paramref name="sessionBase"/> serves this database's base: true or false for a
    /// path base; for a snapshot reference true when the session records the same reference, otherwise null
    /// (unknown: the snapshot may resolve to that directory; <c>cowstore mount</c> checks it on resume).
    /// </summary>
    public bool? BaseMatches(string sessionBase)
    {
        if (BasePath is not null)
        {
            return string.Equals(sessionBase, BasePath, StringComparison.Ordinal);
        }
        return string.Equals(sessionBase, Base, StringComparison.Ordinal) ? true : null;
    }
}
