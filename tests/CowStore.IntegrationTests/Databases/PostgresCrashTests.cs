using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// kill -9 of the cowstore daemon in the middle of a PostgreSQL workload, as a power cut would hit
/// the filesystem under a database: PostgreSQL must recover from the resumed session, every commit it
/// acknowledged must be there (fsync reached the delta), and pg_amcheck must find nothing.
/// 2 cycles by default, 10 with COWSTORE_SOAK=1.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class PostgresCrashTests(ITestOutputHelper output) : DatabaseTest(output)
{
    private const int Scale = 10;
    private static readonly TimeSpan s_loadBeforeCrash = TimeSpan.FromSeconds(3);
    private const int MinimumAcknowledgedBeforeCrash = 20;

    private static int Cycles => Environment.GetEnvironmentVariable("COWSTORE_SOAK") == "1" ? 10 : 2;

    [Fact]
    public void KillingTheDaemonMidWorkloadLosesNoAcknowledgedCommit()
    {
        EngineWorkspace ws = UnprivilegedWorkspace();
        PostgresBase.Build(ws, Scale, "CREATE TABLE acked (id bigint PRIMARY KEY)");
        ws.SealBase();
        TreeFingerprint pristine = TreeFingerprint.Of(ws.Base);
        string acknowledgementFile = ws.ScratchFile("acknowledged-ids");

        CowStoreSession session = ws.Mount();
        PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
        PostgresServer pg = ws.Track(new PostgresServer(ws.User, ws.MountPoint, ws.ScratchFile("postgres.log")));
        pg.Start();

        var acknowledged = new List<long>();
        long nextId = 1;
        for (int cycle = 1; cycle <= Cycles; cycle++)
        {
            acknowledged.AddRange(CrashOnce(session, pg, acknowledgementFile, nextId, cycle));

            session.Resume();
            PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
            int logStart = pg.Log.Length;
            pg.Start();
            string recoveryLog = pg.Log[logStart..];
            Assert.True(recoveryLog.Contains("not properly shut down", StringComparison.Ordinal)
                || recoveryLog.Contains("was interrupted", StringComparison.Ordinal),
                $"cycle {cycle}: PostgreSQL did not run crash recovery:\n{recoveryLog}");
            Output.WriteLine($"cycle {cycle}: recovery: {string.Join(" | ", recoveryLog.Split('\n').Where(l => l.Contains("redo", StringComparison.Ordinal)))}");

            var present = pg.Psql("SELECT id FROM acked").Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToHashSet();
            List<long> lost = acknowledged.Where(id => !present.Contains(id)).ToList();
            Assert.True(lost.Count == 0,
                $"cycle {cycle}: {lost.Count} of {acknowledged.Count} acknowledged commits are gone after recovery, e.g. {string.Join(", ", lost.Take(20))}");
            Output.WriteLine($"cycle {cycle}: all {acknowledged.Count} acknowledged ids present ({present.Count} rows, the rest committed without an answer)");
            pg.AssertAmcheckClean();
            // The next cycle's ids start above everything, including commits whose answer the crash ate.
            nextId = present.Count == 0 ? nextId : Math.Max(nextId, present.Max() + 1);
        }

        pg.Stop();
        ReportDelta("postgresql", $"after {Cycles} crash cycles", session.DeltaBytes);
        session.Umount();
        pristine.AssertUnchanged(ws.Base, "after the crash cycles");
    }

    /// <summary>Runs pgbench and the acknowledging client, kills the daemon, kills PostgreSQL; returns the acknowledged ids.</summary>
    private List<long> CrashOnce(CowStoreSession session, PostgresServer pg, string acknowledgementFile, long firstId, int cycle)
    {
        using BackgroundProcess load = pg.StartPgbench("-n", "-T", "120", "-c", "2", "-j", "2");
        var inserts = new AcknowledgedInserts(pg, acknowledgementFile, firstId);
        using var stop = new CancellationTokenSource();
        Task client = inserts.Run(stop.Token);
        try
        {
            return CrashDuring(session, pg, load, inserts, client, stop, cycle);
        }
        finally
        {
            stop.Cancel(); // a failed assertion must not leave the client inserting
        }
    }

    private List<long> CrashDuring(CowStoreSession session, PostgresServer pg, BackgroundProcess load,
        AcknowledgedInserts inserts, Task client, CancellationTokenSource stop, int cycle)
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        DateTime crashAt = DateTime.UtcNow + s_loadBeforeCrash;
        while (DateTime.UtcNow < crashAt || inserts.Count < MinimumAcknowledgedBeforeCrash)
        {
            Assert.False(client.IsCompleted, $"cycle {cycle}: the client stopped before the crash: {inserts.Failure}\nserver log:\n{pg.LogTail()}");
            Assert.True(DateTime.UtcNow < deadline, $"cycle {cycle}: only {inserts.Count} commits in 60 s\nserver log:\n{pg.LogTail()}");
            Thread.Sleep(50);
        }
        Assert.False(load.HasExited, $"cycle {cycle}: pgbench ended before the crash:\n{load}");

        int daemon = session.DaemonPid();
        ProcessTree.Kill(daemon, TimeSpan.FromSeconds(10));
        Output.WriteLine($"cycle {cycle}: killed daemon {daemon} after {inserts.Count} acknowledged commits");

        // The client notices by itself (its next commit fails); give it time, then stop it.
        if (!client.Wait(TimeSpan.FromSeconds(30)))
        {
            stop.Cancel();
            Assert.True(client.Wait(TimeSpan.FromSeconds(90)), $"cycle {cycle}: the client hangs after the daemon died");
        }
        Output.WriteLine($"cycle {cycle}: client ended with: {inserts.Failure?.Split('\n')[0] ?? "(stopped)"}");
        SessionStatus afterCrash = session.Status();
        Output.WriteLine($"cycle {cycle}: status after the crash: state={afterCrash.State} pid={afterCrash.Pid}");
        Assert.NotEqual("mounted", afterCrash.State);

        pg.Kill();
        return inserts.Acknowledged.ToList();
    }
}
