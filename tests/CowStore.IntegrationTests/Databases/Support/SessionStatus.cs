using System.Text.Json.Serialization;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>One element of <c>cowstore status --json</c>.</summary>
internal sealed record SessionStatus
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("base")]
    public string Base { get; init; } = "";

    [JsonPropertyName("mountpoint")]
    public string? Mountpoint { get; init; }

    /// <summary>mounted, detached or stale.</summary>
    [JsonPropertyName("state")]
    public string State { get; init; } = "";

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    [JsonPropertyName("deltaBytes")]
    public long DeltaBytes { get; init; }

    [JsonPropertyName("ephemeral")]
    public bool Ephemeral { get; init; }
}
