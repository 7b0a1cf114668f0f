using System.Runtime.InteropServices;

namespace CowStore.Cli.Run;

/// <summary>
/// Catches SIGINT, SIGTERM, SIGHUP and SIGQUIT for as long as <c>cowstore run</c> owns a mount, so they never
/// kill it between mount and unmount. While the command runs each one is passed on to it; before the command
/// has started, a signal cancels the start. The command stays in our process group (a terminal Ctrl-C also
/// reaches it directly), so it may see SIGINT twice; servers treat a second stop request as the first.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly HashSet<int> _forwarded = [];
    private int _childPid;
    private bool _childExited;

    public SignalForwarder()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Handle),
        ];
    }

    /// <summary>The first signal that arrived before the command was started, as its Linux number; 0 if none.</summary>
    public int SignalBeforeStart { get; private set; }

    /// <summary>Linux numbers of the signals passed on to the command.</summary>
    public IReadOnlyCollection<int> Forwarded
    {
        get
        {
            lock (_gate)
            {
                return _forwarded.ToArray();
            }
        }
    }

    /// <summary>
    /// Starts forwarding to <paramref name="pid"/>. Returns false (the caller must not run the command) when a
    /// signal already asked to stop.
    /// </summary>
    public bool Attach(int pid)
    {
        lock (_gate)
        {
            _childPid = pid;
            return SignalBeforeStart == 0;
        }
    }

    /// <summary>True when no stop signal arrived yet, i.e. the command may be started.</summary>
    public bool MayStart
    {
        get
        {
            lock (_gate)
            {
                return SignalBeforeStart == 0;
            }
        }
    }

    /// <summary>The command is gone: later signals are swallowed while the mount is cleaned up.</summary>
    public void Detach()
    {
        lock (_gate)
        {
            _childExited = true;
        }
    }

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
        int number = LinuxNumber(context.Signal);
        lock (_gate)
        {
            if (_childPid == 0)
            {
                if (SignalBeforeStart == 0)
                {
                    SignalBeforeStart = number;
                }
                return;
            }
            if (_childExited)
            {
                return;
            }
            // Only between the runtime reaping the command and Detach could the pid name another process;
            // that window is the return from WaitForExit.
            if (Libc.Kill(_childPid, number) == 0)
            {
                _forwarded.Add(number);
            }
        }
    }

    /// <summary>The Linux number of a signal .NET names portably (PosixSignal values are not the numbers).</summary>
    internal static int LinuxNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        PosixSignal.SIGTERM => 15,
        _ => (int)signal > 0 ? (int)signal : throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a forwarded signal"),
    };
}
