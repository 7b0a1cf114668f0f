using CowStore.Store.Nix;

namespace CowStore.Cli.Projects;

/// <summary>Maps what went wrong with one database of <c>up</c>/<c>down</c> to a line and an exit code, so the others still run.</summary>
internal static class ProjectFailure
{
    public static bool IsPerDatabase(Exception e) =>
        e is CliError or IOException or InvalidDataException or TimeoutException or UnauthorizedAccessException;

    public static ExitCode CodeOf(Exception e) => e switch
    {
        CliError cli => cli.Code,
        UnauthorizedAccessException => ExitCode.PermissionDenied,
        TimeoutException => ExitCode.Conflict,
        NixException => ExitCode.Failure,
        _ => ExitCode.Failure,
    };
}
