namespace CowStore.Cli;

/// <summary>Process exit codes of the <c>cowstore</c> command.</summary>
public enum ExitCode
{
    Success = 0,
    /// <summary>The operation ran and failed (I/O error, daemon died, damage found).</summary>
    Failure = 1,
    /// <summary>The command line was wrong.</summary>
    Usage = 2,
    /// <summary>Input names something that does not exist (base, session, mountpoint, snapshot).</summary>
    NotFound = 3,
    /// <summary>The target is in a state that forbids the operation (already mounted, busy, not empty).</summary>
    Conflict = 4,
    /// <summary>The caller lacks permission.</summary>
    PermissionDenied = 5,
    /// <summary>The disk holding the state directory is full.</summary>
    NoSpace = 6,
}
