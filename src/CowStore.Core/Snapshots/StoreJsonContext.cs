using System.Text.Json.Serialization;

namespace CowStore.Core.Snapshots;

/// <summary>Source-generated (trim/AOT-safe) JSON for the store's records: camelCase, indented, nulls omitted.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SnapshotRecord))]
[JsonSerializable(typeof(BaseRecord))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
