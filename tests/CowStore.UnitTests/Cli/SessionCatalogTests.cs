using CowStore.Store.Catalog;
using Xunit;

namespace CowStore.UnitTests.Cli;

public sealed class SessionCatalogTests
{
    private static SessionRecord Sample(StateDirectory state, string name = "db-abc123") => new()
    {
        Name = name,
        Base = "/nix/store/0c7xk2z3yh9a9w6m4qv1n8r5s2l3b7dq-db",
        DeltaDirectory = state.PersistentDeltaDirectory(name),
        Mountpoint = "/home/u/db",
        PreserveOwnership = true,
        AllowOther = true,
        WritebackCache = true,
        CreatedAt = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
        DaemonPid = 4242,
        DaemonStartTime = 123456,
    };

    [Fact]
    public void SaveThenLoad_RoundTripsEveryField()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        SessionRecord record = Sample(catalog.State);

        catalog.Save(record);

        Assert.Equal(record, catalog.TryLoad(record.Name));
        Assert.Equal(["db-abc123"], catalog.Names());
        Assert.Equal(["session.json"], Directory.GetFiles(catalog.State.SessionDirectory(record.Name)).Select(Path.GetFileName));
    }

    [Fact]
    public void SessionJson_UsesTheDocumentedFieldNames()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        catalog.Save(Sample(catalog.State));
        string json = File.ReadAllText(catalog.State.SessionFile("db-abc123"));
        foreach (string field in new[] { "\"formatVersion\": 1", "\"name\"", "\"base\"", "\"mountpoint\"", "\"ephemeral\"", "\"preserveOwnership\"", "\"allowOther\"", "\"writebackCache\": true", "\"createdAt\"", "\"daemonPid\": 4242" })
        {
            Assert.Contains(field, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AsDetached_ClearsMountpointAndDaemonOnly()
    {
        using var dir = new TestDirectory();
        SessionRecord record = Sample(new StateDirectory(dir.Path));
        SessionRecord detached = record.AsDetached();
        Assert.Null(detached.Mountpoint);
        Assert.Null(detached.DaemonPid);
        Assert.Null(detached.DaemonStartTime);
        Assert.Equal(record.Base, detached.Base);
        Assert.Equal(record.DeltaDirectory, detached.DeltaDirectory);
    }

    [Fact]
    public void TryLoad_OfAMissingSession_IsNull()
    {
        using var dir = new TestDirectory();
        Assert.Null(new SessionCatalog(new StateDirectory(dir.Path)).TryLoad("nothing"));
    }

    [Fact]
    public void TryLoad_OfADamagedRecord_Throws()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        Directory.CreateDirectory(catalog.State.SessionDirectory("bad"));
        File.WriteAllText(catalog.State.SessionFile("bad"), "{ not json");
        Assert.Throws<InvalidDataException>(() => catalog.TryLoad("bad"));
    }

    [Fact]
    public void TryLoad_OfARecordWrittenBeforeWritebackCache_ReadsItAsOff()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        catalog.Save(Sample(catalog.State));
        string path = catalog.State.SessionFile("db-abc123");
        string json = File.ReadAllText(path);
        string withoutField = System.Text.RegularExpressions.Regex.Replace(json, @"\s*""writebackCache"": true,", "");
        Assert.NotEqual(json, withoutField);
        File.WriteAllText(path, withoutField);

        SessionRecord? loaded = catalog.TryLoad("db-abc123");

        Assert.NotNull(loaded);
        Assert.False(loaded.WritebackCache);
        Assert.Equal(1, loaded.FormatVersion);
    }

    [Fact]
    public void TryLoad_OfARecordFromTheFuture_Throws()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        catalog.Save(Sample(catalog.State) with { FormatVersion = 99 });
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => catalog.TryLoad("db-abc123"));
        Assert.Contains("format 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResetDelta_LeavesAnEmptyDeltaAndNoGraveyard()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Path));
        SessionRecord record = Sample(catalog.State);
        catalog.Save(record);
        Directory.CreateDirectory(Path.Combine(record.DeltaDirectory, "blocks"));
        File.WriteAllText(Path.Combine(record.DeltaDirectory, "blocks", "1"), "changed");

        catalog.ResetDelta(record);

        Assert.Empty(Directory.EnumerateFileSystemEntries(record.DeltaDirectory));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(catalog.State.SessionDirectory(record.Name)), p => Path.GetFileName(p).StartsWith(".discarded", StringComparison.Ordinal));
    }

    [Fact]
    public void Remove_DeletesTheSessionAndAnOutsideDelta()
    {
        using var dir = new TestDirectory();
        var catalog = new SessionCatalog(new StateDirectory(dir.Combine("home")));
        SessionRecord record = Sample(catalog.State) with { Ephemeral = true, DeltaDirectory = dir.Combine("shm", "db-abc123") };
        catalog.Save(record);
        Directory.CreateDirectory(record.DeltaDirectory);

        catalog.Remove(record);

        Assert.False(Directory.Exists(record.DeltaDirectory));
        Assert.Empty(catalog.Names());
        Assert.Empty(Directory.EnumerateFileSystemEntries(catalog.State.SessionsDirectory));
    }

    [Fact]
    public void CatalogLock_IsExclusiveBetweenHolders()
    {
        using var dir = new TestDirectory();
        var state = new StateDirectory(dir.Path);
        using (CatalogLock.Acquire(state, TimeSpan.FromSeconds(1)))
        {
            Assert.Throws<TimeoutException>(() => CatalogLock.Acquire(state, TimeSpan.FromMilliseconds(200)));
        }
        using CatalogLock again = CatalogLock.Acquire(state, TimeSpan.FromSeconds(1));
    }
}
