using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CowStore.Core.Snapshots;

namespace CowStore.Cli.Control;

/// <summary>
/// The daemon's control socket: answers one command at a time (a live commit) from processes of the same user
/// (or root), checked with SO_PEERCRED. The socket file lives in the session directory, mode 0600.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private const int SO_PEERCRED = 17;

    private readonly Socket _listener;
    private readonly string _path;
    private readonly Func<ControlRequest, IProgress<long>, CommitResult> _handle;
    private readonly TextWriter _log;
    private readonly Thread _thread;
    private volatile bool _disposed;

    private ControlServer(Socket listener, string path, Func<ControlRequest, IProgress<long>, CommitResult> handle, TextWriter log)
    {
        _listener = listener;
        _path = path;
        _handle = handle;
        _log = log;
        _thread = new Thread(AcceptLoop) { IsBackground = true, Name = "cowstore-control" };
    }

    /// <param name="handle">Runs a commit request; throws <see cref="CliError"/> (or IOException) to answer an error.</param>
    public static ControlServer Start(string socketPath, Func<ControlRequest, IProgress<long>, CommitResult> handle, TextWriter log)
    {
        File.Delete(socketPath); // a killed daemon's socket
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using (var path = new ControlSocketPath(socketPath))
            {
                listener.Bind(path.EndPoint);
            }
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(4);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var server = new ControlServer(listener, socketPath, handle, log);
        server._thread.Start();
        return server;
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // The session directory may be gone already (ephemeral session removed).
        }
    }

    private void AcceptLoop()
    {
        while (!_disposed)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    Serve(client);
                }
                catch (Exception e) when (e is IOException or SocketException or JsonException)
                {
                    _log.WriteLine($"{DateTimeOffset.Now:O} control: {e.Message}");
                }
            }
        }
    }

    private void Serve(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        if (!IsSameUser(client))
        {
            Reply(writer, new ControlReply { Error = "permission denied: the session belongs to another user" });
            return;
        }
        string? line = reader.ReadLine();
        ControlRequest? request = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
        if (request is null)
        {
            return;
        }
        ControlReply reply;
        try
        {
            var progress = new Progress(writer);
            if (request.Op == "commit")
            {
                CommitResult result = _handle(request, progress);
                reply = new ControlReply { Id = result.Id, NewBytes = result.NewBytes, Existed = result.AlreadyExisted };
            }
            else
            {
                reply = new ControlReply { Error = $"unknown command '{request.Op}'" };
            }
        }
        catch (Exception e) when (e is CliError or IOException or InvalidDataException or UnauthorizedAccessException or TimeoutException)
        {
            _log.WriteLine($"{DateTimeOffset.Now:O} {request.Op} failed: {e.Message}");
            reply = new ControlReply { Error = e.Message };
        }
        Reply(writer, reply);
    }

    private static void Reply(StreamWriter writer, ControlReply reply) =>
        writer.WriteLine(JsonSerializer.Serialize(reply, ControlJsonContext.Default.ControlReply));

    private static bool IsSameUser(Socket client)
    {
        Span<byte> credentials = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int length = client.GetRawSocketOption(Libc.SOL_SOCKET, SO_PEERCRED, credentials);
        if (length < 12)
        {
            return false;
        }
        uint uid = BitConverter.ToUInt32(credentials[4..8]);
        return uid == 0 || uid == Libc.GetEUid();
    }

    /// <summary>Streams progress to the client at most a few times a second (a lost client only loses progress).</summary>
    private sealed class Progress(StreamWriter writer) : IProgress<long>
    {
        private long _lastTicks;

        public void Report(long value)
        {
            long now = Environment.TickCount64;
            if (now - _lastTicks < 200)
            {
                return;
            }
            _lastTicks = now;
            try
            {
                Reply(writer, new ControlReply { Bytes = value });
            }
            catch (IOException)
            {
                // The client went away; the command still completes.
            }
        }
    }
}
