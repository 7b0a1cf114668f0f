using System.Diagnostics;
using System.Text;
using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// SQLite in WAL mode on a cowstore view: the -shm index is shared through mmap by every
/// connection, readers and the writer coordinate with POSIX locks, and the database file is larger
/// than 64 MiB so copy-on-write touches only some of its blocks. The engine and the mount run as
/// the test process (root in the root tier: the mount(2) path; cowstore-test in the other tier).
/// A live commit taken while transactions sit only in the WAL mounts elsewhere with every row.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class SqliteWalTests(ITestOutputHelper output) : DatabaseTest(output)
{
    private const long BaseRows = 80_000;
    private const int Transactions = 600;
    private const int Batches = 12;
    private const int RowsPerTransaction = 5;
    private const long MinimumDatabaseBytes = 64L << 20;
    private const int HeldTransactions = 20;

    [Fact]
    public void ConcurrentWriterAndReadersKeepAConsistentDatabaseAcrossRemountAndCommit()
    {
        EngineWorkspace ws = CurrentUserWorkspace();
        var baseDb = new Sqlite(ws.User, Path.Combine(ws.Base, "app.db"));
        baseDb.Execute($"""
            PRAGMA page_size = 4096;
            PRAGMA journal_mode = WAL;
            CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {BaseRows})
              INSERT INTO t SELECT x, randomblob(1000) FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """);
        long databaseBytes = new FileInfo(baseDb.DatabaseFile).Length;
        Assert.True(databaseBytes > MinimumDatabaseBytes, $"the base database has only {databaseBytes} bytes");
        Assert.False(File.Exists(baseDb.DatabaseFile + "-wal"), "the base kept a WAL file after the last connection closed");
        ws.SealBase();
        TreeFingerprint pristine = TreeFingerprint.Of(ws.Base);

        CowStoreSession session = ws.Mount();
        var db = new Sqlite(ws.User, Path.Combine(ws.MountPoint, "app.db"));
        Assert.Equal("wal", db.Execute("PRAGMA journal_mode"));
        Assert.Equal(BaseRows, db.Long("SELECT count(*) FROM t"));
        ReportDelta("sqlite", "after open + count + close", session.DeltaBytes);

        (int reads, int readsMidWorkload, long lastCount) = WriteWhileReading(db);
        Output.WriteLine($"{reads} reader processes ran beside the writer's {Transactions} transactions, {readsMidWorkload} of them saw a count between base and end; last count seen {lastCount}");
        Assert.True(readsMidWorkload >= 3, $"only {readsMidWorkload} reads saw the workload half done: the test proved no concurrency");

        long expected = BaseRows + (Transactions * RowsPerTransaction);
        AssertConsistent(db, expected, "after the workload");
        ReportDelta("sqlite", $"after {Transactions} write transactions", session.DeltaBytes);
        long delta = session.DeltaBytes;
        Output.WriteLine($"database file in the base: {databaseBytes:N0} bytes");
        Assert.True(delta < databaseBytes,
            $"the delta ({delta:N0} bytes) is as large as the whole database ({databaseBytes:N0} bytes): copy-on-write copied whole files");

        expected = CommitWhileAConnectionHoldsTheWal(ws, session, db, expected);

        session.Umount();
        session.Resume();
        AssertConsistent(db, expected, "after umount and resume");
        session.Umount();
        ReportDelta("sqlite", "detached after resume + checks", session.DeltaBytes);

        pristine.AssertUnchanged(ws.Base, "after the SQLite workload");
    }

    /// <summary>
    /// A live commit while a connection (WAL auto-checkpoint off) holds committed transactions in
    /// the -wal file that the database file does not have yet: the snapshot is what a crash at that
    /// instant would leave. Mounted elsewhere, SQLite rebuilds its -shm index from the WAL and sees
    /// every committed row. Returns the row count now expected on the view.
    /// </summary>
    private long CommitWhileAConnectionHoldsTheWal(EngineWorkspace ws, CowStoreSession session, Sqlite db, long rowsBefore)
    {
        long expected = rowsBefore + (HeldTransactions * RowsPerTransaction);
        using BackgroundProcess holder = db.StartShell();
        holder.WriteLine("PRAGMA wal_autocheckpoint = 0;");
        holder.WriteLine("PRAGMA synchronous = FULL;");
        for (int i = 0; i < HeldTransactions; i++)
        {
            holder.WriteLine($"BEGIN IMMEDIATE; WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {RowsPerTransaction}) INSERT INTO t (payload) SELECT randomblob(1000) FROM n; COMMIT;");
        }
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (db.Long("SELECT count(*) FROM t") != expected)
        {
            Assert.False(holder.HasExited, $"the holding connection ended early:\n{holder}");
            Assert.True(DateTime.UtcNow < deadline, $"the holding connection did not commit its {HeldTransactions} transactions in 60 s:\n{holder}");
            Thread.Sleep(50);
        }
        long walBytes = new FileInfo(db.DatabaseFile + "-wal").Length;
        Assert.True(walBytes > 0, "the -wal file is empty although a connection holds uncheckpointed transactions");

        var clock = Stopwatch.StartNew();
        string id = session.Commit("live, with transactions only in the WAL");
        clock.Stop();
        Assert.False(holder.HasExited, $"the holding connection ended before the commit:\n{holder}");
        Output.WriteLine($"live commit with {walBytes:N0} bytes of WAL held open: {id} in {clock.ElapsedMilliseconds} ms");

        CowStoreSession snapshot = ws.MountSnapshot(id, "snapshot");
        var copy = new Sqlite(ws.User, Path.Combine(snapshot.MountPoint, "app.db"));
        Assert.True(File.Exists(copy.DatabaseFile + "-wal"), "the snapshot has no -wal file: the test would not prove WAL recovery");
        Assert.Equal("wal", copy.Execute("PRAGMA journal_mode"));
        AssertConsistent(copy, expected, "on the snapshot mounted elsewhere");
        ReportDelta("sqlite", "snapshot session after open + checks", snapshot.DeltaBytes);
        snapshot.Umount();

        holder.WriteLine(".quit");
        holder.CloseInput();
        Assert.True(holder.WaitForExit(TimeSpan.FromSeconds(60)) == 0, $"the holding connection failed:\n{holder}");
        AssertConsistent(db, expected, "after the holding connection closed");
        return expected;
    }

    /// <summary>
    /// One writer connection stays open for the whole workload and gets its transactions a batch at
    /// a time on stdin. Right after a batch is handed over, reader processes count the rows until the
    /// batch before it is visible, so readers always run while the writer has work queued, and the
    /// pacing follows the filesystem's speed instead of a clock. Every count must be a whole number
    /// of transactions above the base (no torn transaction is visible), never go down, and never
    /// include a transaction not yet handed over. Each transaction appends
    /// <see cref="RowsPerTransaction"/> rows and rewrites one row spread over the base file, so both
    /// appended and copied-on-write blocks are in play.
    /// </summary>
    private static (int Reads, int ReadsMidWorkload, long LastCount) WriteWhileReading(Sqlite db)
    {
        const int TransactionsPerBatch = Transactions / Batches;
        const long RowsPerBatch = TransactionsPerBatch * RowsPerTransaction;
        const long FinalRows = BaseRows + (Transactions * RowsPerTransaction);
        var random = new Random(4242);
        using BackgroundProcess writer = db.StartShell();
        writer.WriteLine("PRAGMA synchronous = FULL;");
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        int reads = 0, readsMidWorkload = 0;
        long last = BaseRows;
        for (int batch = 0; batch < Batches; batch++)
        {
            writer.WriteLine(TransactionBatch(random, TransactionsPerBatch));
            long handedOver = BaseRows + ((batch + 1) * RowsPerBatch);
            long previousBatchesDone = BaseRows + (batch * RowsPerBatch);
            do
            {
                Assert.False(writer.HasExited, $"the writer ended before its last batch:\n{writer}");
                Assert.True(DateTime.UtcNow < deadline, $"the writer did not commit {batch} batches in 120 s (last count {last}):\n{writer}");
                ProcessResult read = db.TryExecute("SELECT count(*) FROM t");
                Assert.True(read.ExitCode == 0, $"a reader failed while the writer ran:\n{read}");
                long count = long.Parse(read.Stdout.Trim());
                Assert.True(count >= last, $"the row count went back from {last} to {count}");
                Assert.True((count - BaseRows) % RowsPerTransaction == 0, $"a reader saw {count} rows: part of a transaction");
                Assert.True(count <= handedOver, $"a reader saw {count} rows, but only transactions up to {handedOver} rows were handed to the writer");
                last = count;
                reads++;
                if (count > BaseRows && count < FinalRows)
                {
                    readsMidWorkload++;
                }
            }
            while (last < previousBatchesDone);
        }
        writer.WriteLine(".quit");
        writer.CloseInput();
        Assert.True(writer.WaitForExit(TimeSpan.FromSeconds(120)) == 0, $"the writer failed:\n{writer}");
        return (reads, readsMidWorkload, last);
    }

    private static string TransactionBatch(Random random, int transactions)
    {
        var sql = new StringBuilder();
        for (int i = 0; i < transactions; i++)
        {
            sql.Append("BEGIN IMMEDIATE;\n")
               .Append($"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {RowsPerTransaction}) ")
               .Append("INSERT INTO t (payload) SELECT randomblob(1000) FROM n;\n")
               .Append($"UPDATE t SET payload = randomblob(1000) WHERE id = {random.NextInt64(1, BaseRows + 1)};\n")
               .Append("COMMIT;\n");
        }
        return sql.ToString();
    }

    private static void AssertConsistent(Sqlite db, long expectedRows, string when)
    {
        Assert.True(db.Execute("PRAGMA integrity_check") == "ok", $"integrity_check {when}: {db.Execute("PRAGMA integrity_check")}");
        Assert.Equal(expectedRows, db.Long("SELECT count(*) FROM t"));
        Assert.Equal(0, db.Long("SELECT count(*) FROM t WHERE length(payload) <> 1000"));
    }
}
