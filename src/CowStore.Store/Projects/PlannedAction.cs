namespace CowStore.Store.Projects;

/// <summary>What <c>cowstore up</c> does for one database to reach the desired state.</summary>
public enum PlannedAction
{
    /// <summary>Mounted as asked: nothing to do.</summary>
    None,
    /// <summary>No session yet: mount the base as a new session.</summary>
    Mount,
    /// <summary>A detached persistent session: mount it again with its changes.</summary>
    Resume,
    /// <summary>The persistent session is mounted at another place: unmount it, mount it here.</summary>
    Move,
    /// <summary>A detached session without changes over another base or mode: remove it, mount anew.</summary>
    Replace,
    /// <summary>The actual state contradicts the file in a way only the user can settle (drift).</summary>
    Refuse,
}
