using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CowStore.Cli.Run;

/// <summary>Runs the user's command on the mount with our stdio, forwarding stop signals, and returns its exit code.</summary>
internal static class CommandRunner
{
    /// <summary>Exit code of a command that could not be found, as shells report it.</summary>
    public const int NotFound = 127;

    /// <summary>Exit code of a command that exists but could not be executed, as shells report it.</summary>
    public const int NotExecutable = 126;

    private const int ENOENT = 2;
    private const int EACCES = 13;
    private const int ENOEXEC = 8;

    /// <summary>
    /// Runs <paramref name="command"/> with <c>COWSTORE_MOUNT</c> and <c>COWSTORE_SESSION</c> set. Returns the exit
    /// code (128 + signal when a signal killed it, as .NET reports it); 126/127 with <paramref name="startError"/>
    /// set when it could not be started; null when a stop signal arrived before it was started.
    /// </summary>
    public static int? Run(IReadOnlyList<string> command, string mountPoint, string session, SignalForwarder signals, out string? startError)
    {
        startError = null;
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        foreach (string argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["COWSTORE_MOUNT"] = mountPoint;
        start.Environment["COWSTORE_SESSION"] = session;

        if (!signals.MayStart)
        {
            return null;
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception(ENOENT);
        }
        catch (Win32Exception e)
        {
            startError = $"cannot run {command[0]}: {Marshal.GetPInvokeErrorMessage(e.NativeErrorCode)}";
            return e.NativeErrorCode is EACCES or ENOEXEC ? NotExecutable : NotFound;
        }
        using (process)
        {
            if (!signals.Attach(process.Id))
            {
                // A stop signal came while the command was being started: pass it on now.
                Libc.Kill(process.Id, signals.SignalBeforeStart);
            }
            process.WaitForExit();
            signals.Detach();
            return process.ExitCode;
        }
    }
}
