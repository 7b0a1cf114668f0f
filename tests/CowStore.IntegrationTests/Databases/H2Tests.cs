using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// H2 on the JVM: the I/O paths Neo4j uses (FileChannel reads and writes, force(), FileChannel.tryLock)
/// on a cowstore view. Rows written through the view survive umount and resume and are in the
/// snapshot a commit of the detached session makes (reopened on another mountpoint), and a second JVM is
/// refused with H2's ordinary "already in use" error while a first one holds the database: the
/// POSIX lock the JVM takes must work across processes on the mount.
/// Engine and mount run as the test process (root in the root tier).
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class H2Tests(ITestOutputHelper output) : DatabaseTest(output)
{
    private const int BaseRows = 1000;
    private const int AddedRows = 500;

    [Fact]
    public void RowsWrittenOnTheViewSurviveRemountAndCommitAndASecondJvmIsLockedOut()
    {
        EngineWorkspace ws = CurrentUserWorkspace();
        string createScript = ws.ScratchFile("create.sql");
        File.WriteAllText(createScript, $"""
            CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100) NOT NULL);
            INSERT INTO t SELECT X, 'base-' || X FROM SYSTEM_RANGE(1, {BaseRows});
            """);
        new H2(ws.User, Path.Combine(ws.Base, "h2", "app")).RunScript(createScript);
        ws.SealBase();
        TreeFingerprint pristine = TreeFingerprint.Of(ws.Base);

        CowStoreSession session = ws.Mount();
        var db = new H2(ws.User, Path.Combine(ws.MountPoint, "h2", "app"));
        Assert.Equal(BaseRows, db.Long("SELECT COUNT(*) FROM t"));
        ReportDelta("h2", "after open + count + close", session.DeltaBytes);

        string insertScript = ws.ScratchFile("insert.sql");
        File.WriteAllText(insertScript, $"""
            INSERT INTO t SELECT X, 'view-' || X FROM SYSTEM_RANGE({BaseRows + 1}, {BaseRows + AddedRows});
            UPDATE t SET v = 'updated' WHERE id <= 10;
            """);
        db.RunScript(insertScript);
        Assert.Equal(BaseRows + AddedRows, db.Long("SELECT COUNT(*) FROM t"));
        ReportDelta("h2", $"after inserting {AddedRows} rows and updating 10", session.DeltaBytes);

        session.Umount();
        session.Resume();
        Assert.Equal(BaseRows + AddedRows, db.Long("SELECT COUNT(*) FROM t"));
        Assert.Equal(10, db.Long("SELECT COUNT(*) FROM t WHERE v = 'updated'"));
        Assert.Equal(AddedRows, db.Long("SELECT COUNT(*) FROM t WHERE v LIKE 'view-%'"));

        AssertSecondJvmIsLockedOut(ws, db);

        session.Umount();
        // Detached: the commit takes what rests in the delta.
        string id = session.Commit("after the H2 workload");
        Output.WriteLine($"committed the detached session: {id}");
        CowStoreSession snapshot = ws.MountSnapshot(id, "snapshot");
        var committed = new H2(ws.User, Path.Combine(snapshot.MountPoint, "h2", "app"));
        Assert.Equal(BaseRows + AddedRows, committed.Long("SELECT COUNT(*) FROM t"));
        Assert.Equal(10, committed.Long("SELECT COUNT(*) FROM t WHERE v = 'updated'"));
        Assert.Equal(AddedRows, committed.Long("SELECT COUNT(*) FROM t WHERE v LIKE 'view-%'"));
        ReportDelta("h2", "snapshot session after reopen + counts", snapshot.DeltaBytes);
        snapshot.Umount();

        pristine.AssertUnchanged(ws.Base, "after the H2 workload and the commit");
    }

    private void AssertSecondJvmIsLockedOut(EngineWorkspace ws, H2 db)
    {
        BackgroundProcess holder = ws.Track(db.StartShell());
        // The Shell connects before it greets; a query through it proves the connection is live.
        Assert.True(holder.WaitForOutput("Welcome to H2 Shell", TimeSpan.FromSeconds(60)), $"the first JVM did not open the database:\n{holder}");
        holder.WriteLine("SELECT 'holder-sees-' || COUNT(*) FROM t;");
        Assert.True(holder.WaitForOutput($"holder-sees-{BaseRows + AddedRows}", TimeSpan.FromSeconds(60)), $"the first JVM cannot query:\n{holder}");

        ProcessResult second = db.TryQuery("SELECT COUNT(*) FROM t");
        Output.WriteLine($"second JVM while the first holds the database: exit {second.ExitCode}: {second.Stderr.Split('\n')[0]}");
        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("Database may be already in use", second.Stdout + second.Stderr, StringComparison.Ordinal);

        holder.WriteLine("quit");
        holder.CloseInput();
        Assert.Equal(0, holder.WaitForExit(TimeSpan.FromSeconds(60)));
        // The lock went with the first JVM.
        Assert.Equal(BaseRows + AddedRows, db.Long("SELECT COUNT(*) FROM t"));
    }
}
