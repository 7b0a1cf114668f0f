using CowStore.Store.Catalog;
using CowStore.Store.Projects;

namespace CowStore.Cli.Projects;

/// <summary>
/// Serialises <c>up</c>/<c>down</c> of one project (<c>&lt;state&gt;/projects/&lt;tag&gt;.lock</c>): each mount
/// takes the catalog lock only for itself, so without this two <c>up</c>s could plan the same mount.
/// Kept in the state directory: cowstore writes nothing into the project but its mountpoints.
/// </summary>
internal sealed class ProjectLock : IDisposable
{
    private readonly FileStream _stream;

    private ProjectLock(FileStream stream) => _stream = stream;

    public static ProjectLock Acquire(StateDirectory state, Project project, TimeSpan timeout)
    {
        string directory = Path.Combine(state.Root, "projects");
        DurableFile.CreateDirectory(state.Root);
        DurableFile.CreateDirectory(directory);
        string path = Path.Combine(directory, project.Tag + ".lock");
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None is flock(LOCK_EX | LOCK_NB) on Unix; the kernel drops it if we die.
                return new ProjectLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                Thread.Sleep(50);
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw new TimeoutException($"another cowstore up or down of {project.Root} is running ({path})", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
