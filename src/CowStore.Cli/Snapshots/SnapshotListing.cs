using System.Text.Json.Serialization;

namespace CowStore.Cli.Snapshots;

/// <summary>One snapshot as <c>cowstore ls --json</c> prints it.</summary>
internal sealed record SnapshotListing
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("parentId")]
    public string? ParentId { get; init; }

    [JsonPropertyName("baseId")]
    public required string BaseId { get; init; }

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("tags")]
    public List<string> Tags { get; init; } = [];

    /// <summary>Bytes this snapshot added to the store when it was committed.</summary>
    [JsonPropertyName("newBytes")]
    public long NewBytes { get; init; }

    /// <summary>Bytes of stored blocks its content references (its own and its ancestors').</summary>
    [JsonPropertyName("referencedBytes")]
    public long ReferencedBytes { get; init; }

    /// <summary>Bytes of stored blocks no other snapshot references.</summary>
    [JsonPropertyName("uniqueBytes")]
    public long UniqueBytes { get; init; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>Source-generated serializer: no reflection, so the command stays trimmable.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<SnapshotListing>))]
internal sealed partial class SnapshotListingJsonContext : JsonSerializerContext;
