using System.Text.Json;
using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>What snapshot tests need beyond a session sandbox: committing, mounting ids, reading the store.</summary>
internal static class SnapshotSandbox
{
    public static string StoreDirectory(this SessionSandbox sandbox) => Path.Combine(sandbox.Home, "store");

    /// <summary><c>cowstore commit</c>; returns the new id (the last line) after checking its shape.</summary>
    public static string Commit(this SessionSandbox sandbox, string target, params string[] extra)
    {
        string id = sandbox.CowstoreOk(["commit", target, .. extra]).LastLine;
        Assert.Matches("^[0-9a-df-np-sv-z]{52}$", id);
        return id;
    }

    /// <summary>The parent recorded for a snapshot (null when it sits on its base).</summary>
    public static string? ParentOf(this SessionSandbox sandbox, string id)
    {
        using JsonDocument record = JsonDocument.Parse(File.ReadAllText(Path.Combine(sandbox.StoreDirectory(), "snapshots", id, "snapshot.json")));
        return record.RootElement.TryGetProperty("parentId", out JsonElement parent) && parent.ValueKind == JsonValueKind.String ? parent.GetString() : null;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of an existing file and fsyncs it.</summary>
    public static void WriteAt(string path, long offset, ReadOnlySpan<byte> data)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0);
        file.Position = offset;
        file.Write(data);
        file.Flush(flushToDisk: true);
    }
}
