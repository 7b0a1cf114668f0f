using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CowStore.Cli.Control;

/// <summary>Sends one command to a session's daemon and waits for its answer.</summary>
internal static class ControlClient
{
    /// <returns>The daemon's final answer (with the snapshot id).</returns>
    /// <exception cref="CliError">The daemon answered an error, or cannot be reached.</exception>
    public static ControlReply Send(string socketPath, ControlRequest request, IProgress<long>? progress)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var path = new ControlSocketPath(socketPath);
            socket.Connect(path.EndPoint);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw new CliError(ExitCode.Failure, $"cannot reach the session's daemon at {socketPath}: {e.Message}");
        }
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        using var reader = new StreamReader(stream, Encoding.UTF8);
        writer.WriteLine(JsonSerializer.Serialize(request, ControlJsonContext.Default.ControlRequest));
        while (reader.ReadLine() is string line)
        {
            ControlReply? reply = JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlReply);
            if (reply is null)
            {
                continue;
            }
            if (reply.Error is not null)
            {
                throw new CliError(ExitCode.Failure, reply.Error);
            }
            if (reply.Id is not null)
            {
                return reply;
            }
            if (reply.Bytes is long bytes)
            {
                progress?.Report(bytes);
            }
        }
        throw new CliError(ExitCode.Failure, "the session's daemon closed the connection without an answer (see its daemon.log)");
    }
}
