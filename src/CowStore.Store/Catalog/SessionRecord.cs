using System.Text.Json.Serialization;

namespace CowStore.Store.Catalog;

/// <summary>
/// The desired state of one session, stored as <c>sessions/&lt;name&gt;/session.json</c>.
/// A null <see cref="Mountpoint"/> means the session is meant to be detached; <see cref="DaemonPid"/>
/// is the process that serves it (written by the daemon once the mount is live).
/// </summary>
public sealed record SessionRecord
{
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("formatVersion")]
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Absolute path of the read-only base directory.</summary>
    [JsonPropertyName("base")]
    public required string Base { get; init; }

    /// <summary>The committed snapshot the delta is laid over (its manifest on top of <see cref="Base"/>); null = the base as it is.</summary>
    [JsonPropertyName("snapshot")]
    public string? Snapshot { get; init; }

    /// <summary>The last snapshot committed from this session since its delta began; null = none.</summary>
    [JsonPropertyName("head")]
    public string? Head { get; init; }

    /// <summary>What the session's content descends from: the parent of its next commit, and what discard returns to.</summary>
    [JsonIgnore]
    public string? Parent => Head ?? Snapshot;

    [JsonPropertyName("deltaDirectory")]
    public required string DeltaDirectory { get; init; }

    [JsonPropertyName("mountpoint")]
    public string? Mountpoint { get; init; }

    [JsonPropertyName("ephemeral")]
    public bool Ephemeral { get; init; }

    [JsonPropertyName("preserveOwnership")]
    public bool PreserveOwnership { get; init; }

    [JsonPropertyName("allowOther")]
    public bool AllowOther { get; init; }

    /// <summary>Mount with the kernel writeback cache (absent in records written before the option: false).</summary>
    [JsonPropertyName("writebackCache")]
    public bool WritebackCache { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("daemonPid")]
    public int? DaemonPid { get; init; }

    /// <summary>Start time of <see cref="DaemonPid"/> (clock ticks since boot) so a reused pid is not mistaken for it.</summary>
    [JsonPropertyName("daemonStartTime")]
    public ulong? DaemonStartTime { get; init; }

    /// <summary>How the serving daemon's FUSE requests arrive: <c>io_uring</c> or <c>/dev/fuse</c> (null when not served).</summary>
    [JsonPropertyName("transport")]
    public string? Transport { get; init; }

    /// <summary>The same session, meant to be detached and served by nobody.</summary>
    public SessionRecord AsDetached() => this with { Mountpoint = null, DaemonPid = null, DaemonStartTime = null, Transport = null };
}
