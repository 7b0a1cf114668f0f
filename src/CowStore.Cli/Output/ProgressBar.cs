using System.Diagnostics;
using System.Globalization;

namespace CowStore.Cli.Output;

/// <summary>
/// A one-line progress bar on standard error for long operations: bytes done (of the total when known) and rate,
/// redrawn at most five times a second. Silent when standard error is not a terminal, so scripts and logs stay clean.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private const int Width = 24;
    private readonly string _label;
    private readonly long _total;
    private readonly TextWriter? _terminal;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _lastDrawMs = -1000;
    private bool _drawn;

    /// <param name="total">Bytes expected, or 0 when unknown.</param>
    public ProgressBar(string label, long total = 0, TextWriter? terminal = null)
    {
        _label = label;
        _total = total;
        _terminal = terminal ?? (Console.IsErrorRedirected ? null : Console.Error);
    }

    public void Report(long value)
    {
        if (_terminal is null)
        {
            return;
        }
        lock (_gate)
        {
            long now = _clock.ElapsedMilliseconds;
            if (now - _lastDrawMs < 200)
            {
                return;
            }
            _lastDrawMs = now;
            double seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            string rate = ByteSize.Format((long)(value / seconds)) + "/s";
            string line = _total > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{_label} [{Bar(value)}] {ByteSize.Format(value)} / {ByteSize.Format(_total)}  {rate}")
                : $"{_label} {ByteSize.Format(value)}  {rate}";
            _terminal.Write("\r" + line.PadRight(78));
            _terminal.Flush();
            _drawn = true;
        }
    }

    /// <summary>Clears the bar so the final message starts on a clean line.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_drawn && _terminal is not null)
            {
                _terminal.Write("\r" + new string(' ', 78) + "\r");
                _terminal.Flush();
            }
        }
    }

    private string Bar(long value)
    {
        int filled = (int)Math.Clamp(value * Width / Math.Max(1, _total), 0, Width);
        return new string('#', filled) + new string('.', Width - filled);
    }
}
