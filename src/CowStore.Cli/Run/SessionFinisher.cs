using CowStore.Cli.Daemon;
using CowStore.Cli.Verbs;
using CowStore.Store.Catalog;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Run;

/// <summary>Ends what <c>cowstore run</c> started: the unmount, then dropping the session when asked.</summary>
internal static class SessionFinisher
{
    /// <summary>How long background processes the command left behind may keep the mount busy.</summary>
    public static readonly TimeSpan BusyGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_busyPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Unmounts <paramref name="session"/> and waits for its daemon to close the delta. While files stay open
    /// (processes the command left running) it retries for <see cref="BusyGrace"/>, then detaches lazily so no
    /// mount stays visible; returns false in that case: the daemon still serves those files.
    /// </summary>
    public static bool Unmount(string session, TextWriter error)
    {
        DateTime deadline = DateTime.UtcNow + BusyGrace;
        while (true)
        {
            try
            {
                new UmountVerb { Target = session }.Run(TextWriter.Null, error);
                return true;
            }
            catch (CliError e) when (e.Code == ExitCode.Conflict && e.Message.StartsWith("mount is busy", StringComparison.Ordinal))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    new UmountVerb { Target = session, Lazy = true }.Run(TextWriter.Null, error);
                    return false;
                }
                Thread.Sleep(s_busyPoll);
            }
        }
    }

    /// <summary>
    /// Drops the changes of the detached <paramref name="session"/>. A session this run created is removed
    /// entirely; one it resumed (<c>--session</c>) stays, empty, like <c>cowstore discard</c> leaves it.
    /// </summary>
    public static void Discard(string session, bool createdByRun, TextWriter error)
    {
        if (!createdByRun)
        {
            new DiscardVerb { Target = session, Yes = true, NoRemount = true }.Run(TextWriter.Null, error);
            return;
        }
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        using CatalogLock catalogLock = CatalogLock.Acquire(catalog.State, DaemonLauncher.DefaultTimeout);
        SessionView? view = new Reconciler(catalog, error).ReconcileAll().FirstOrDefault(s => s.Name == session);
        if (view is null)
        {
            return;
        }
        if (view.State != SessionState.Detached)
        {
            throw new CliError(ExitCode.Conflict, $"session {session} is {view.State.ToString().ToLowerInvariant()}, not detached; nothing discarded");
        }
        catalog.Remove(view.Record);
    }

    /// <summary>True when a session named <paramref name="session"/> exists already (so a run resumes it).</summary>
    public static bool Exists(string session) =>
        new SessionCatalog(StateDirectory.FromEnvironment()).Names().Contains(session, StringComparer.Ordinal);
}
