using CowStore.Store.Catalog;

namespace CowStore.Store.Sessions;

/// <summary>
/// Compares the catalog (desired state) with live daemons and the mount table (actual state) and repairs
/// what a crash left behind: a dead daemon's stale mount is detached lazily and its session marked detached.
/// Callers hold the <see cref="CatalogLock"/>.
/// </summary>
public sealed class Reconciler(SessionCatalog catalog, TextWriter notes)
{
    /// <summary>Every readable session with its actual state, after repairs; damaged records are reported on notes.</summary>
    public IReadOnlyList<SessionView> ReconcileAll()
    {
        MountTable mounts = MountTable.Read();
        var views = new List<SessionView>();
        foreach (string name in catalog.Names())
        {
            SessionRecord? record;
            try
            {
                record = catalog.TryLoad(name);
            }
            catch (InvalidDataException e)
            {
                notes.WriteLine($"cowstore: warning: {e.Message}");
                continue;
            }
            if (record is null)
            {
                continue; // A directory without a record: a session being created or removed.
            }
            SessionView? view = Reconcile(record, mounts);
            if (view is not null)
            {
                views.Add(view);
            }
        }
        return views;
    }

    /// <summary>The actual state of the named session after repairs, or null when it does not exist (any more).</summary>
    public SessionView? ReconcileOne(string name)
    {
        SessionRecord? record = catalog.TryLoad(name);
        return record is null ? null : Reconcile(record, MountTable.Read());
    }

    private SessionView? Reconcile(SessionRecord record, MountTable mounts)
    {
        MountEntry? mount = record.Mountpoint is null ? null : mounts.FindAt(record.Mountpoint);
        bool fuseMounted = mount is { IsFuse: true };
        if (record.DaemonPid is int pid && DaemonProbe.IsServing(pid, record.DaemonStartTime))
        {
            return new SessionView(record, fuseMounted ? SessionState.Mounted : SessionState.Transitioning);
        }
        if (record.Mountpoint is null && record.DaemonPid is null)
        {
            return new SessionView(record, SessionState.Detached);
        }
        string what = record.DaemonPid is int deadPid ? $"daemon {deadPid} is gone" : "its daemon never started";
        if (fuseMounted)
        {
            // The kernel keeps a dead daemon's mount; every access gives ENOTCONN. Detach it lazily so
            // nothing that still has the directory open can block the cleanup.
            try
            {
                MountDetacher.Unmount(record.Mountpoint!, lazy: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep the record as it is: the next command retries, and nobody mounts over the dead mount.
                notes.WriteLine($"cowstore: session {record.Name}: {what} and its stale mount at {record.Mountpoint} could not be removed: {e.Message}");
                return new SessionView(record, SessionState.Stale);
            }
            notes.WriteLine($"cowstore: session {record.Name}: {what}; cleaned up its stale mount at {record.Mountpoint}");
        }
        if (record.Ephemeral)
        {
            catalog.Remove(record);
            notes.WriteLine($"cowstore: session {record.Name}: ephemeral session ended with its daemon; removed");
            return null;
        }
        SessionRecord detached = record.AsDetached();
        catalog.Save(detached);
        if (!fuseMounted)
        {
            notes.WriteLine($"cowstore: session {record.Name}: {what}; marked detached");
        }
        return new SessionView(detached, SessionState.Detached);
    }
}
