namespace CowStore.Core.Cow;

/// <summary>Where a copy-on-write session lives and how the read-only base is presented.</summary>
public sealed record CowOptions
{
    /// <summary>The read-only base, used in place and never written.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>
    /// The committed snapshot the session is laid over (its manifest on top of <see cref="BaseDirectory"/>);
    /// null = the base directory as it is. A delta only fits the lower it was made on.
    /// </summary>
    public Snapshots.LowerSnapshot? Snapshot { get; init; }

    /// <summary>The session delta (created if missing); may be on tmpfs for ephemeral sessions.</summary>
    public required string DeltaDirectory { get; init; }

    /// <summary>Base entries appear owned by this user (as a copy would be) unless <see cref="PreserveOwnership"/>.</summary>
    public uint OwnerUid { get; init; }

    /// <summary>Base entries appear owned by this group unless <see cref="PreserveOwnership"/>.</summary>
    public uint OwnerGid { get; init; }

    /// <summary>Show base uid/gid/mode exactly as they are (no owner write bit added).</summary>
    public bool PreserveOwnership { get; init; }
}
