using System.Runtime.InteropServices;

namespace CowStore.Cli.Daemon;

/// <summary>Turns SIGTERM, SIGINT and SIGHUP into a task so the server unmounts cleanly instead of dying.</summary>
internal sealed class StopSignals : IDisposable
{
    private readonly TaskCompletionSource<string> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    /// <summary>Completes with the signal's name when one arrives.</summary>
    public Task<string> Requested => _requested.Task;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _requested.TrySetResult(context.Signal.ToString());
    }
}
