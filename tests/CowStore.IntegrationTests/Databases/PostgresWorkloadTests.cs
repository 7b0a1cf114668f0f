using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// An unmodified PostgreSQL 15 on a cowstore view of a sealed pgbench cluster: the TPC-B-like
/// workload runs, pg_amcheck finds nothing, the base stays byte-identical, and discard brings the
/// pristine database back. PostgreSQL refuses root, so in the root tier it runs as cowstore-test
/// on a mount made with --allow-other and handed over to it (see <see cref="EngineWorkspace.Mount"/>).
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class PostgresWorkloadTests(ITestOutputHelper output) : DatabaseTest(output)
{
    /// <summary>pgbench scale: 1,000,000 accounts, about 160 MB of table data, 300 MB with WAL.</summary>
    private const int Scale = 10;
    private const long AccountsPerScale = 100_000;

    [Fact]
    public void PgbenchRunsOnTheViewTheBaseStaysIdenticalAndDiscardRestoresThePristineDatabase()
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
        // TPC-B keeps the books balanced: every transaction adds the same delta to one account, teller and branch.
        Assert.Equal(pg.Long("SELECT sum(delta) FROM pgbench_history"), pg.Long("SELECT sum(abalance) FROM pgbench_accounts"));
        Assert.Equal(pg.Long("SELECT sum(bbalance) FROM pgbench_branches"), pg.Long("SELECT sum(tbalance) FROM pgbench_tellers"));
        pg.AssertAmcheckClean();
        pg.Stop();
        ReportDelta("postgresql", $"after pgbench ({history} transactions) + pg_amcheck", session.DeltaBytes);

        pristine.AssertUnchanged(ws.Base, "after the workload");

        session.Discard();
        Assert.Equal("mounted", session.Status().State);
        PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
        pg.Start();
        Assert.Equal(0, pg.Long("SELECT count(*) FROM pgbench_history"));
        Assert.Equal(0, pg.Long("SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts"));
        Assert.Equal(Scale * AccountsPerScale, pg.Long("SELECT count(*) FROM pgbench_accounts"));
        // pg_amcheck --install-missing created the extension in the delta; the pristine catalog has none.
        Assert.Equal(0, pg.Long("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'"));
        pg.Stop();
        ReportDelta("postgresql", "after discard + start + stop", session.DeltaBytes);
        session.Umount();

        pristine.AssertUnchanged(ws.Base, "after discard and umount");
    }
}
