using CowStore.Store.Sessions;

namespace CowStore.Store.Projects;

/// <summary>One database's desired state next to its actual state, and what <c>cowstore up</c> would do.</summary>
/// <param name="Actual">The actual state in a word or two (mounted, detached, absent, mounted elsewhere, ...).</param>
/// <param name="Message">For <see cref="PlannedAction.Refuse"/>: what is wrong and what to do; otherwise a short note.</param>
public sealed record DatabaseAssessment(DesiredDatabase Database, SessionView? Session, PlannedAction Action, string Actual, string Message)
{
    public bool InSync => Action == PlannedAction.None;
}
