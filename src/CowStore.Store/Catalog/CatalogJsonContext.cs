using System.Text.Json.Serialization;

namespace CowStore.Store.Catalog;

/// <summary>Source-generated serializers keep the catalog trim and AOT friendly.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
