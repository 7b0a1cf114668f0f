using System.Diagnostics;
using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// An unmodified PostgreSQL 15 on a cowstore view of a sealed pgbench cluster: the TPC-B-like
/// workload runs, pg_amcheck finds nothing, the base stays byte-identical, discard brings the
/// pristine database back, and commit makes snapshots another PostgreSQL starts from: one taken
/// live in the middle of pgbench (crash-consistent: the server there runs crash recovery) and one
/// after a clean shutdown (every pgbench transaction there). PostgreSQL refuses root, so in the
/// root tier it runs as cowstore-test on mounts made with --allow-other and handed over to it
/// (see <see cref="EngineWorkspace.Mount"/>).
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class PostgresWorkloadTests(ITestOutputHelper output) : DatabaseTest(output)
{
    /// <summary>pgbench scale: 1,000,000 accounts, about 160 MB of table data, 300 MB with WAL.</summary>
    private const int Scale = 10;
    private const long AccountsPerScale = 100_000;
    private const int MinimumTransactionsBeforeLiveCommit = 100;

    [Fact]
    public void PgbenchRunsOnTheViewDiscardRestoresThePristineDatabaseAndCommitsStartElsewhere()
    {
        EngineWorkspace ws = UnprivilegedWorkspace();
        PostgresBase.Build(ws, Scale);
        ws.SealBase();
        TreeFingerprint pristine = TreeFingerprint.Of(ws.Base);

        CowStoreSession session = ws.Mount();
        PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
        PostgresServer pg = ws.Track(new PostgresServer(ws.User, ws.MountPoint, ws.ScratchFile("postgres.log")));

        pg.Start();
        pg.Stop();
        ReportDelta("postgresql", "after start + stop", session.DeltaBytes);

        pg.Start();
        Assert.Equal(Scale * AccountsPerScale, pg.Long("SELECT count(*) FROM pgbench_accounts"));
        ProcessResult bench = pg.Pgbench("-T", "5", "-c", "2", "-j", "2");
        Output.WriteLine(string.Join('\n', bench.Stdout.Split('\n').Where(l => l.StartsWith("number of transactions", StringComparison.Ordinal) || l.StartsWith("tps", StringComparison.Ordinal))));
        long history = pg.Long("SELECT count(*) FROM pgbench_history");
        Assert.True(history > 0, "pgbench committed no transaction");
        AssertBooksBalance(pg, "after pgbench");
        pg.AssertAmcheckClean();
        pg.Stop();
        ReportDelta("postgresql", $"after pgbench ({history} transactions) + pg_amcheck", session.DeltaBytes);

        pristine.AssertUnchanged(ws.Base, "after the workload");

        session.Discard();
        Assert.Equal("mounted", session.Status().State);
        PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
        pg.Start();
        AssertPristine(pg, "after discard of the uncommitted session");
        ReportDelta("postgresql", "after discard + start", session.DeltaBytes);

        (string liveId, string committedId, long committedHistory) = RunPgbenchAndCommit(session, pg);
        AssertCleanSnapshotStarts(ws, committedId, committedHistory);
        AssertLiveSnapshotRecovers(ws, liveId, committedHistory);

        session.Umount();
        pristine.AssertUnchanged(ws.Base, "after commits, snapshot mounts and umount");
    }

    /// <summary>
    /// pgbench on the running server with a live commit in the middle of it, then a clean stop
    /// and a commit of the stopped cluster. Returns both ids and the history rows the second holds.
    /// </summary>
    private (string LiveId, string CommittedId, long History) RunPgbenchAndCommit(CowStoreSession session, PostgresServer pg)
    {
        string liveId;
        using (BackgroundProcess load = pg.StartPgbench("-n", "-T", "10", "-c", "2", "-j", "2"))
        {
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (pg.Long("SELECT count(*) FROM pgbench_history") < MinimumTransactionsBeforeLiveCommit)
            {
                Assert.False(load.HasExited, $"pgbench ended before the live commit:\n{load}");
                Assert.True(DateTime.UtcNow < deadline, $"pgbench committed fewer than {MinimumTransactionsBeforeLiveCommit} transactions in 60 s\nserver log:\n{pg.LogTail()}");
                Thread.Sleep(100);
            }
            var liveCommit = Stopwatch.StartNew();
            liveId = session.Commit("live, while pgbench runs");
            liveCommit.Stop();
            Assert.False(load.HasExited, $"pgbench ended before the live commit returned, so the snapshot may not be mid-workload:\n{load}");
            Output.WriteLine($"live commit during pgbench: {liveId} in {liveCommit.ElapsedMilliseconds} ms (cowstore commit, process start included)");
            Assert.True(load.WaitForExit(TimeSpan.FromSeconds(120)) == 0, $"pgbench failed across the live commit:\n{load}\nserver log:\n{pg.LogTail()}");
            Output.WriteLine(string.Join('\n', load.Output.Split('\n').Where(l => l.StartsWith("number of transactions", StringComparison.Ordinal) || l.StartsWith("tps", StringComparison.Ordinal))));
        }
        Assert.Equal("mounted", session.Status().State);
        long history = pg.Long("SELECT count(*) FROM pgbench_history");
        AssertBooksBalance(pg, "after pgbench across a live commit");
        pg.Stop();

        var commit = Stopwatch.StartNew();
        string committedId = session.Commit("after pgbench and a clean shutdown");
        Output.WriteLine($"commit after the clean shutdown: {committedId} ({history} history rows) in {commit.ElapsedMilliseconds} ms");
        Assert.NotEqual(liveId, committedId);
        Assert.Equal("mounted", session.Status().State);
        ReportDelta("postgresql", $"after pgbench ({history} transactions) and two commits", session.DeltaBytes);
        return (liveId, committedId, history);
    }

    /// <summary>
    /// The committed snapshot on a second mountpoint (a new session over it): a clean start, every
    /// history row, pg_amcheck clean. That session never committed, so its discard returns it to
    /// the snapshot: the rows it deleted and the amcheck extension pg_amcheck installed are gone.
    /// </summary>
    private void AssertCleanSnapshotStarts(EngineWorkspace ws, string snapshotId, long history)
    {
        CowStoreSession snapshot = ws.MountSnapshot(snapshotId, "snapshot");
        PostgresBase.PrepareDataDirectory(ws, snapshot.MountPoint);
        PostgresServer pg = ws.Track(new PostgresServer(ws.User, snapshot.MountPoint, ws.ScratchFile("postgres-snapshot.log")));
        pg.Start();
        Assert.False(pg.Log.Contains("not properly shut down", StringComparison.Ordinal),
            $"PostgreSQL ran crash recovery on a snapshot committed after a clean shutdown:\n{pg.LogTail()}");
        Assert.Equal(history, pg.Long("SELECT count(*) FROM pgbench_history"));
        AssertBooksBalance(pg, "on the committed snapshot");
        Assert.Equal(0, pg.Long("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'"));
        pg.AssertAmcheckClean();
        pg.Psql("DELETE FROM pgbench_history");
        pg.Stop();

        snapshot.Discard();
        PostgresBase.PrepareDataDirectory(ws, snapshot.MountPoint);
        pg.Start();
        Assert.Equal(history, pg.Long("SELECT count(*) FROM pgbench_history"));
        Assert.Equal(0, pg.Long("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'"));
        pg.Stop();
        snapshot.Umount();
    }

    /// <summary>
    /// The snapshot taken while pgbench ran, on a third mountpoint: PostgreSQL finds a cluster that
    /// was not shut down, replays its WAL, and what it ends with is a consistent prefix of the run.
    /// </summary>
    private void AssertLiveSnapshotRecovers(EngineWorkspace ws, string snapshotId, long historyAtTheEnd)
    {
        CowStoreSession snapshot = ws.MountSnapshot(snapshotId, "snapshot-live");
        PostgresBase.PrepareDataDirectory(ws, snapshot.MountPoint);
        PostgresServer pg = ws.Track(new PostgresServer(ws.User, snapshot.MountPoint, ws.ScratchFile("postgres-snapshot-live.log")));
        pg.Start();
        Assert.True(pg.Log.Contains("not properly shut down", StringComparison.Ordinal) || pg.Log.Contains("was interrupted", StringComparison.Ordinal),
            $"PostgreSQL did not run crash recovery on a snapshot taken while it ran:\n{pg.LogTail()}");
        Output.WriteLine($"live snapshot: recovery: {string.Join(" | ", pg.Log.Split('\n').Where(l => l.Contains("redo", StringComparison.Ordinal)))}");
        long history = pg.Long("SELECT count(*) FROM pgbench_history");
        Output.WriteLine($"live snapshot: {history} of the run's {historyAtTheEnd} history rows");
        Assert.InRange(history, MinimumTransactionsBeforeLiveCommit, historyAtTheEnd - 1);
        AssertBooksBalance(pg, "on the live snapshot after crash recovery");
        pg.AssertAmcheckClean();
        pg.Stop();
        snapshot.Umount();
    }

    private static void AssertPristine(PostgresServer pg, string when)
    {
        Assert.True(pg.Long("SELECT count(*) FROM pgbench_history") == 0, $"pgbench_history is not empty {when}");
        Assert.Equal(0, pg.Long("SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts"));
        Assert.Equal(Scale * AccountsPerScale, pg.Long("SELECT count(*) FROM pgbench_accounts"));
        // pg_amcheck --install-missing created the extension in the delta; the pristine catalog has none.
        Assert.True(pg.Long("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'") == 0, $"the amcheck extension is still there {when}");
    }

    /// <summary>TPC-B keeps the books balanced: every transaction adds the same delta to one account, teller and branch, and one history row.</summary>
    private static void AssertBooksBalance(PostgresServer pg, string when)
    {
        long historyDelta = pg.Long("SELECT coalesce(sum(delta), 0) FROM pgbench_history");
        long accounts = pg.Long("SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts");
        long tellers = pg.Long("SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers");
        long branches = pg.Long("SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches");
        Assert.True(historyDelta == accounts && accounts == tellers && tellers == branches,
            $"the books do not balance {when}: history {historyDelta}, accounts {accounts}, tellers {tellers}, branches {branches}");
    }
}
