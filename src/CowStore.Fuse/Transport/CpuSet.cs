using System.Globalization;

namespace CowStore.Fuse.Transport;

/// <summary>The kernel's CPU lists (<c>/sys/devices/system/cpu/{possible,online}</c>, e.g. "0-3,8").</summary>
internal static class CpuSet
{
    /// <summary>CPUs the kernel may ever run; FUSE over io_uring has one queue for each.</summary>
    public static IReadOnlyList<int> Possible() => Read("possible");

    public static IReadOnlyList<int> Online() => Read("online");

    private static List<int> Read(string name)
    {
        try
        {
            return Parse(File.ReadAllText($"/sys/devices/system/cpu/{name}"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return [.. Enumerable.Range(0, Environment.ProcessorCount)];
        }
    }

    public static List<int> Parse(string list)
    {
        var cpus = new List<int>();
        foreach (string part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            int first = int.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            int last = dash < 0 ? first : int.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }
        return cpus;
    }
}
