using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// A client that inserts ids 1, 2, 3, ... into <c>acked(id)</c>, one psql (one committed
/// transaction) per id, and counts an id as acknowledged only once psql exited 0, i.e. once COMMIT
/// returned. Acknowledged ids are appended to a file outside the mount as they come, so they are the
/// record of what the server promised before any crash. Stops at the first failure or when asked.
/// </summary>
internal sealed class AcknowledgedInserts(PostgresServer server, string acknowledgementFile, long firstId)
{
    private readonly List<long> _acknowledged = [];

    public IReadOnlyList<long> Acknowledged
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.ToList();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_acknowledged)
            {
                return _acknowledged.Count;
            }
        }
    }

    /// <summary>Why the loop ended (null when it was stopped).</summary>
    public string? Failure { get; private set; }

    public Task Run(CancellationToken stop) => Task.Run(() =>
    {
        using var file = new StreamWriter(acknowledgementFile, append: true);
        for (long id = firstId; !stop.IsCancellationRequested; id++)
        {
            ProcessResult result;
            try
            {
                result = server.TryPsql($"INSERT INTO acked(id) VALUES ({id})", TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException e)
            {
                Failure = $"id {id}: {e.Message}";
                return;
            }
            if (result.ExitCode != 0)
            {
                Failure = $"id {id}: psql exited {result.ExitCode}: {result.Stderr.Trim()}";
                return;
            }
            file.WriteLine(id);
            file.Flush();
            lock (_acknowledged)
            {
                _acknowledged.Add(id);
            }
        }
    }, CancellationToken.None);
}
