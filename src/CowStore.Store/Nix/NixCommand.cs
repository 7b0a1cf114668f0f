using System.ComponentModel;
using System.Diagnostics;

namespace CowStore.Store.Nix;

/// <summary>Runs one Nix command line and returns its standard output; any failure is a <see cref="NixException"/>.</summary>
internal static class NixCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NixException($"cannot start {program}");
        }
        catch (Win32Exception e)
        {
            throw new NixException($"{program} not found ({e.Message}): install Nix (Debian: apt-get install nix-bin)");
        }
        using (process)
        {
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new NixException($"{program} {string.Join(' ', arguments)} did not finish within {Timeout.TotalMinutes:0} minutes");
            }
            string stdout = output.Result;
            if (process.ExitCode != 0)
            {
                string said = LastLines(error.Result);
                throw new NixException($"{program} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {said}");
            }
            return stdout;
        }
    }

    /// <summary>Nix errors end with the line that matters; earlier ones are warnings (e.g. an unreachable cache).</summary>
    private static string LastLines(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : string.Join(" | ", lines.TakeLast(3));
    }
}
