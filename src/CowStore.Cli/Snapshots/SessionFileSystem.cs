using CowStore.Core.Cow;
using CowStore.Core.Snapshots;
using CowStore.Store.Catalog;

namespace CowStore.Cli.Snapshots;

/// <summary>A session's copy-on-write filesystem with the snapshot it is laid over, opened the one way daemon and commands share.</summary>
internal sealed class SessionFileSystem : IDisposable
{
    private SessionFileSystem(CowFileSystem fileSystem, LowerSnapshot? lower)
    {
        FileSystem = fileSystem;
        Lower = lower;
    }

    public CowFileSystem FileSystem { get; }

    public LowerSnapshot? Lower { get; }

    /// <exception cref="CliError">The session is in use, its delta or snapshot is damaged, or its base is gone.</exception>
    public static SessionFileSystem Open(StateDirectory state, SessionRecord record)
    {
        LowerSnapshot? lower = record.Snapshot is null ? null : SnapshotCatalog.OpenLower(new SnapshotStore(state.StoreDirectory), record.Snapshot);
        try
        {
            var fileSystem = CowFileSystem.Open(new CowOptions
            {
                BaseDirectory = record.Base,
                DeltaDirectory = record.DeltaDirectory,
                Snapshot = lower,
                OwnerUid = Libc.GetEUid(),
                OwnerGid = Libc.GetEGid(),
                PreserveOwnership = record.PreserveOwnership,
            });
            return new SessionFileSystem(fileSystem, lower);
        }
        catch (CowSessionLockedException)
        {
            lower?.Dispose();
            throw new CliError(ExitCode.Conflict, $"session {record.Name} is in use by another cowstore process");
        }
        catch (InvalidDataException e)
        {
            lower?.Dispose();
            throw new CliError(ExitCode.Failure, $"the delta of session {record.Name} is damaged: {e.Message}");
        }
        catch (DirectoryNotFoundException)
        {
            lower?.Dispose();
            throw new CliError(ExitCode.NotFound, $"base not found: {record.Base}");
        }
        catch
        {
            lower?.Dispose();
            throw;
        }
    }

    /// <summary>Durable close of the delta, then the snapshot's packs.</summary>
    public void Dispose()
    {
        try
        {
            FileSystem.Dispose();
        }
        finally
        {
            Lower?.Dispose();
        }
    }
}
