using System.Text.Json.Serialization;

namespace CowStore.Cli.Output;

/// <summary>One session in <c>cowstore status --json</c>.</summary>
internal sealed record SessionStatus
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("base")]
    public required string Base { get; init; }

    /// <summary>The snapshot the session's delta lies over (null: the base directory itself).</summary>
    [JsonPropertyName("snapshot")]
    public string? Snapshot { get; init; }

    /// <summary>The session's last commit (null: none since its delta began).</summary>
    [JsonPropertyName("head")]
    public string? Head { get; init; }

    [JsonPropertyName("writebackCache")]
    public bool WritebackCache { get; init; }

    [JsonPropertyName("mountpoint")]
    public string? Mountpoint { get; init; }

    /// <summary>How the daemon receives FUSE requests: <c>io_uring</c> or <c>/dev/fuse</c>; null when not mounted.</summary>
    [JsonPropertyName("transport")]
    public string? Transport { get; init; }

    /// <summary><c>mounted</c>, <c>detached</c> or <c>transitioning</c> (starting, or lazily unmounting).</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    [JsonPropertyName("deltaBytes")]
    public long DeltaBytes { get; init; }

    [JsonPropertyName("ephemeral")]
    public bool Ephemeral { get; init; }

    [JsonPropertyName("deltaDirectory")]
    public required string DeltaDirectory { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Source-generated serializer: no reflection, so the command stays trimmable.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<SessionStatus>))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
