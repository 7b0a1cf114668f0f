namespace CowStore.Cli.Run;

/// <summary>What <c>cowstore run</c> does with the session once the command has exited and the mount is gone.</summary>
public enum RunOutcome
{
    /// <summary>Keep the session detached and print its name (the default: nothing is ever lost silently).</summary>
    Keep,

    /// <summary>Promote the session to a new snapshot and print its id last.</summary>
    Commit,

    /// <summary>Throw the session's changes away.</summary>
    Discard,
}
