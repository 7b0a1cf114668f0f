using System.Net.Sockets;

namespace CowStore.Cli.Control;

/// <summary>
/// sockaddr_un holds 107 bytes of path; state directories can be deeper. Binding and connecting through
/// /proc/self/fd/N/NAME, with N an open descriptor of the socket's directory, works for any depth.
/// </summary>
internal sealed class ControlSocketPath : IDisposable
{
    private readonly int _directoryFd;

    public ControlSocketPath(string socketPath)
    {
        string directory = Path.GetDirectoryName(socketPath)!;
        _directoryFd = Libc.Open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (_directoryFd < 0)
        {
            int errno = -Libc.NegErrno;
            throw new IOException($"cannot open {directory}: {Libc.Describe(errno)}", errno);
        }
        EndPoint = new UnixDomainSocketEndPoint($"/proc/self/fd/{_directoryFd}/{Path.GetFileName(socketPath)}");
    }

    public UnixDomainSocketEndPoint EndPoint { get; }

    public void Dispose() => Libc.Close(_directoryFd);
}
