namespace CowStore.Store.Sessions;

/// <summary>The actual state of a session, as found by <see cref="Reconciler"/>.</summary>
public enum SessionState
{
    /// <summary>No daemon, no mount: the delta rests on disk.</summary>
    Detached,
    /// <summary>A live daemon serves the mount.</summary>
    Mounted,
    /// <summary>A live daemon whose mount is not (or no longer) in the mount table: starting or lazily unmounting.</summary>
    Transitioning,
    /// <summary>The daemon is dead but its mount could not be cleaned up (every access gives ENOTCONN).</summary>
    Stale,
}
