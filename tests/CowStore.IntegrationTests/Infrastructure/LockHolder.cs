using System.Diagnostics;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>A probe process holding a lock; closing its stdin makes it release and exit.</summary>
internal sealed class LockHolder : IDisposable
{
    private readonly Process _process;

    private LockHolder(Process process) => _process = process;

    public static LockHolder Start(ProcessStartInfo info)
    {
        Process process = Process.Start(info) ?? throw new InvalidOperationException("could not start posix-probe");
        var holder = new LockHolder(process);
        Task<string?> line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || line.Result != "locked")
        {
            string rest = process.HasExited ? process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd() : "";
            holder.Dispose();
            throw new Xunit.Sdk.XunitException(
                $"lock holder did not report 'locked': {(line.IsCompleted ? line.Result : "<timeout>")} {rest}");
        }
        return holder;
    }

    public void Release()
    {
        _process.StandardInput.Close();
        string? line = _process.StandardOutput.ReadLine();
        if (!_process.WaitForExit(10_000) || line != "released" || _process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"lock holder did not release cleanly: '{line}' exit {(_process.HasExited ? _process.ExitCode : -1)}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
