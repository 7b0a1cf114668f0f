using CowStore.Cli.Control;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Snapshots;

/// <summary>A commit asked of a running daemon: its filesystem freezes for the capture, the mount stays up.</summary>
internal static class LiveCommit
{
    public static CommitResult Run(StateDirectory state, SessionFileSystem session, ControlRequest request, IProgress<long> progress)
    {
        if (request.BaseId is null)
        {
            throw new CliError(ExitCode.Usage, "commit request without a base id");
        }
        var store = new SnapshotStore(state.StoreDirectory);
        return SnapshotCommitter.Commit(session.FileSystem, store, new CommitRequest
        {
            BaseId = request.BaseId,
            ParentId = request.ParentId,
            Message = request.Message,
            Metadata = request.Metadata,
        }, progress);
    }
}
