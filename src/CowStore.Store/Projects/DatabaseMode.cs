namespace CowStore.Store.Projects;

/// <summary>What happens to a project database's changes when it is unmounted.</summary>
public enum DatabaseMode
{
    /// <summary>Changes are kept in a detached session; <c>cowstore up</c> resumes it.</summary>
    Persistent,
    /// <summary>Changes live in memory and vanish with the mount.</summary>
    Ephemeral,
}
