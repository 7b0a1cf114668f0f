using CommandLine;
using CommandLine.Text;
using CowStore.Cli.Daemon;
using CowStore.Cli.Projects;
using CowStore.Store.Catalog;
using CowStore.Store.Projects;
using CowStore.Store.Sessions;

namespace CowStore.Cli.Verbs;

[Verb("up", HelpText =
    "Bring the databases named in cowstore.json (in the current directory or --project DIR) to the state the file asks for: "
    + "mount what is missing (creating its mountpoint), resume detached persistent sessions with their changes, clean up the "
    + "stale mounts of crashed daemons. Each database gets one session named after the project and the database, so up always "
    + "finds it again. Prints one line per database; reports drift it will not settle by itself (a mountpoint held by something "
    + "else, a base changed in the file while a session still holds changes) and exits non-zero then. Running it again changes nothing.")]
public sealed class UpVerb : IVerb
{
    [Option("project", MetaValue = "DIR", HelpText = "The project directory holding cowstore.json (default: the current directory).")]
    public string? ProjectDirectory { get; set; }

    [Option("timeout", MetaValue = "SECONDS", HelpText = "How long to wait for each mount to become live (default 30).")]
    public int? TimeoutSeconds { get; set; }

    [Usage(ApplicationAlias = "cowstore")]
    public static IEnumerable<Example> Examples =>
    [
        new("Mount the current project's databases", new UpVerb()),
        new("Another project", new UpVerb { ProjectDirectory = "~/src/movies" }),
    ];

    public ExitCode Run(TextWriter output, TextWriter error)
    {
        if (TimeoutSeconds is <= 0)
        {
            throw new CliError(ExitCode.Usage, "--timeout must be a positive number of seconds");
        }
        Project project = ProjectLocator.Load(ProjectDirectory);
        var catalog = new SessionCatalog(StateDirectory.FromEnvironment());
        using ProjectLock projectLock = ProjectLock.Acquire(catalog.State, project, DaemonLauncher.DefaultTimeout);
        ProjectState state = ProjectState.Read(project, catalog, error);

        ExitCode result = ExitCode.Success;
        int unsettled = 0;
        foreach (DatabaseAssessment assessment in state.Databases)
        {
            try
            {
                output.WriteLine($"{assessment.Database.Name}: {Apply(assessment, catalog, error)}");
            }
            catch (Exception e) when (ProjectFailure.IsPerDatabase(e))
            {
                output.WriteLine($"{assessment.Database.Name}: not up: {e.Message}");
                result = result == ExitCode.Success ? ProjectFailure.CodeOf(e) : result;
                unsettled++;
            }
            output.Flush();
        }
        foreach (SessionView orphan in state.Orphans.Where(o => o.State != SessionState.Detached))
        {
            output.WriteLine($"{ProjectSessionNames.DatabaseOf(orphan.Name, project.Root)}: not in {Project.FileName} any more but session {orphan.Name} "
                + $"is still mounted at {orphan.Record.Mountpoint}; cowstore down unmounts it");
        }
        if (unsettled > 0)
        {
            error.WriteLine($"cowstore: {unsettled} of {state.Databases.Count} databases of {project.Root} are not up");
        }
        return result;
    }

    private string Apply(DatabaseAssessment assessment, SessionCatalog catalog, TextWriter error)
    {
        DesiredDatabase database = assessment.Database;
        string mode = database.Ephemeral ? "ephemeral" : "persistent";
        switch (assessment.Action)
        {
            case PlannedAction.None:
                return $"up to date: mounted at {database.Mountpoint} (session {database.SessionName})";
            case PlannedAction.Mount:
                Mount(database, error);
                return $"mounted {database.Base} at {database.Mountpoint} (new {mode} session {database.SessionName})";
            case PlannedAction.Resume:
                Mount(database, error);
                return $"resumed session {database.SessionName} with its changes at {database.Mountpoint}";
            case PlannedAction.Move:
                string from = assessment.Session!.Record.Mountpoint!;
                new UmountVerb { Target = database.SessionName }.Run(TextWriter.Null, error);
                Mount(database, error);
                return $"moved session {database.SessionName} from {from} to {database.Mountpoint}";
            case PlannedAction.Replace:
                RemoveUnchanged(catalog, database.SessionName, error);
                Mount(database, error);
                return $"replaced session {database.SessionName}, which held no changes, and mounted {database.Base} at {database.Mountpoint} ({mode})";
            default:
                throw new CliError(ExitCode.Conflict, assessment.Message);
        }
    }

    /// <summary>Mounts through the mount verb itself, so up follows every rule and record format of <c>cowstore mount</c>.</summary>
    private void Mount(DesiredDatabase database, TextWriter error)
    {
        if (!Directory.Exists(database.Mountpoint) && !File.Exists(database.Mountpoint))
        {
            Directory.CreateDirectory(database.Mountpoint);
        }
        var mount = new MountVerb
        {
            Base = database.MountArgument,
            Mountpoint = database.Mountpoint,
            Session = database.SessionName,
            Ephemeral = database.Ephemeral,
            TimeoutSeconds = TimeoutSeconds,
        };
        mount.Run(TextWriter.Null, error);
    }

    /// <summary>Removes a detached session without changes, checking again under the catalog lock.</summary>
    private static void RemoveUnchanged(SessionCatalog catalog, string name, TextWriter error)
    {
        using CatalogLock catalogLock = CatalogLock.Acquire(catalog.State, DaemonLauncher.DefaultTimeout);
        SessionView? view = new Reconciler(catalog, error).ReconcileOne(name);
        if (view is null)
        {
            return;
        }
        if (view.State != SessionState.Detached || !ProjectState.DeltaIsEmpty(view.Record))
        {
            throw new CliError(ExitCode.Conflict, $"session {name} changed while cowstore up ran; run cowstore up again");
        }
        catalog.Remove(view.Record);
    }
}
