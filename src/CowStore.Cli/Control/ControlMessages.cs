using System.Text.Json.Serialization;

namespace CowStore.Cli.Control;

/// <summary>A command for a session's daemon: one JSON line on its control socket.</summary>
internal sealed record ControlRequest
{
    /// <summary>"commit" (the only command so far).</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }

    [JsonPropertyName("baseId")]
    public string? BaseId { get; init; }

    [JsonPropertyName("parentId")]
    public string? ParentId { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>
/// The daemon's answer, one JSON line each: progress lines (<see cref="Bytes"/>), then one final line with
/// <see cref="Id"/> or <see cref="Error"/>.
/// </summary>
internal sealed record ControlReply
{
    [JsonPropertyName("bytes")]
    public long? Bytes { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Bytes of blocks the commit added to the store.</summary>
    [JsonPropertyName("newBytes")]
    public long NewBytes { get; init; }

    /// <summary>The store held this snapshot already (same content, same parent).</summary>
    [JsonPropertyName("existed")]
    public bool Existed { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonIgnore]
    public bool IsFinal => Id is not null || Error is not null;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlReply))]
internal sealed partial class ControlJsonContext : JsonSerializerContext;
