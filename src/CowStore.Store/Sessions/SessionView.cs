using CowStore.Store.Catalog;

namespace CowStore.Store.Sessions;

/// <summary>A session's desired state (its record) next to its actual state.</summary>
public sealed record SessionView(SessionRecord Record, SessionState State)
{
    public string Name => Record.Name;
}
