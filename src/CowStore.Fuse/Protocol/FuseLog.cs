using System.Collections.Concurrent;

namespace CowStore.Fuse.Protocol;

/// <summary>Thread-safe sink for handler exceptions and protocol warnings (standard error by default).</summary>
internal sealed class FuseLog(TextWriter? writer)
{
    private readonly TextWriter _writer = TextWriter.Synchronized(writer ?? Console.Error);
    private readonly ConcurrentDictionary<uint, bool> _reportedOpcodes = new();

    public void Warn(string message) => _writer.WriteLine($"cowstore-fuse: {message}");

    public void HandlerFailed(uint opcode, Exception exception) =>
        Warn($"{DescribeOpcode(opcode)} handler threw, answered EIO: {exception}");

    /// <summary>Logs the first occurrence of an opcode we answer with ENOSYS.</summary>
    public void UnsupportedOnce(uint opcode)
    {
        if (_reportedOpcodes.TryAdd(opcode, true))
        {
            Warn($"{DescribeOpcode(opcode)} is not supported, answered ENOSYS");
        }
    }

    public static string DescribeOpcode(uint opcode) =>
        Enum.IsDefined((FuseOpcode)opcode) ? $"{(FuseOpcode)opcode} ({opcode})" : $"opcode {opcode}";
}
