namespace CowStore.Store.Catalog;

/// <summary>
/// An exclusive advisory lock on <c>catalog.lock</c> held by a command while it reads, reconciles and
/// changes the catalog, so two commands never act on the same session at once. Daemons never take it:
/// a command holding it may be waiting for a daemon.
/// </summary>
public sealed class CatalogLock : IDisposable
{
    private readonly FileStream _stream;

    private CatalogLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock.</summary>
    /// <exception cref="TimeoutException">Another command kept it for the whole time.</exception>
    public static CatalogLock Acquire(StateDirectory state, TimeSpan timeout)
    {
        DurableFile.CreateDirectory(state.Root);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on the descriptor; the kernel
                // drops it when the process dies, so a crashed command never wedges the catalog.
                return new CatalogLock(new FileStream(state.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(state.LockPath))
            {
                Thread.Sleep(50);
            }
            catch (IOException e) when (File.Exists(state.LockPath))
            {
                throw new TimeoutException($"another cowstore command holds {state.LockPath}", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
