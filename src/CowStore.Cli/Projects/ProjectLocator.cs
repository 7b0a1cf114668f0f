using CowStore.Store.Projects;

namespace CowStore.Cli.Projects;

/// <summary>Finds the project a command works on: <c>--project DIR</c>, else the current directory.</summary>
internal static class ProjectLocator
{
    /// <summary>Loads the project in <paramref name="directory"/> (the current directory when null).</summary>
    public static Project Load(string? directory)
    {
        string root = Root(directory);
        if (!File.Exists(Path.Combine(root, Project.FileName)))
        {
            throw new CliError(ExitCode.NotFound, directory is null
                ? $"no {Project.FileName} in the current directory ({root}); run in a project directory or pass --project DIR"
                : $"no {Project.FileName} in {root}");
        }
        return LoadFrom(root);
    }

    /// <summary>The project in <paramref name="directory"/>, or in the current directory if it has a cowstore.json; else null.</summary>
    public static Project? TryLoad(string? directory)
    {
        if (directory is not null)
        {
            return Load(directory);
        }
        string root = Root(null);
        return File.Exists(Path.Combine(root, Project.FileName)) ? LoadFrom(root) : null;
    }

    private static Project LoadFrom(string root)
    {
        try
        {
            return Project.Load(root, CanonicalPath.Resolve);
        }
        catch (ProjectFileException e)
        {
            throw new CliError(ExitCode.Usage, e.Message);
        }
    }

    private static string Root(string? directory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory ?? Directory.GetCurrentDirectory()));
        if (!Directory.Exists(full))
        {
            throw new CliError(ExitCode.NotFound, $"project directory not found: {full}");
        }
        return CanonicalPath.Resolve(full);
    }
}
