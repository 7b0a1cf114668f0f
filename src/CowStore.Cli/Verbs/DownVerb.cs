using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Projects;
using CowStore.Store.Catalog;
using CowStore.Store.Projects;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("down", HelpText =
    "Unmount the databases of cowstore.json (in the current directory or --project DIR), and any session of the project the file "
    + "no longer names. Persistent sessions stay, detached, with their changes (cowstore up resumes them); ephemeral ones are deleted. "
    + "Prints one line per database. Fails for a database a program still uses, unless --lazy.")]
public sealed class DownVerb : IVerb
{
    [Option("project", MetaValue = "DIR", HelpText = "The project directory holding cowstore.json (default: the current directory).")]
    public string? ProjectDirectory { get; set; }

    [Option("lazy", HelpText = "Detach mounts now even if files are open; each daemon exits when the last one is closed.")]
    public bool Lazy { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Unmount the current project's databases, keeping persistent changes", new DownVerb()),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        Project project = ProjectLocator.Load(ProjectDirectory);
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        using ProjectLock projectLock = ProjectLock.Acquire(catalog.State, project, DaemonLauncher.DefaultTimeout);
        ProjectState state = ProjectState.Read(project, catalog, error);

        var targets = state.Databases.Select(a => (a.Database.Name, a.Session, Listed: true))
            .Concat(state.Orphans.Select(o => (Name: ProjectSessionNames.DatabaseOf(o.Name, project.Root)!, Session: (SessionView?)o, Listed: false)));
        ExitCode result = ExitCode.Success;
        foreach ((string name, SessionView? session, bool listed) in targets)
        {
            try
            {
                string? line = Stop(session, listed, error);
                if (line is not null)
                {
                    output.WriteLine($"{name}: {line}");
                }
            }
            catch (Exception e) when (ProjectFailure.IsPerDatabase(e))
            {
                output.WriteLine($"{name}: still up: {e.Message}");
                result = result == ExitCode.Success ? ProjectFailure.CodeOf(e) : result;
            }
            output.Flush();
        }
        return result;
    }

    private string? Stop(SessionView? session, bool listed, TextWriter error)
    {
        if (session is null)
        {
            return "not mounted";
        }
        SessionRecord record = session.Record;
        if (session.State == SessionState.Detached)
        {
            // Unlisted detached sessions are only worth a line in status, not on every down.
            return listed ? $"not mounted (session {record.Name} is detached with its changes)" : null;
        }
        new UmountVerb { Target = record.Name, Lazy = Lazy }.Run(TextWriter.Null, error);
        string unlisted = listed ? "" : $" (not in {Project.FileName} any more)";
        if (Lazy)
        {
            return $"detached {record.Mountpoint} lazily{unlisted}; session {record.Name} closes when its last open file does";
        }
        return record.Ephemeral
            ? $"unmounted {record.Mountpoint}{unlisted}; ephemeral session {record.Name} deleted"
            : $"unmounted {record.Mountpoint}{unlisted}; session {record.Name} kept with its changes (cowstore up resumes it)";
    }
}
