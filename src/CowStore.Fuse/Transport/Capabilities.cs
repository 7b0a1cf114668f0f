using System.Globalization;

namespace CowStore.Fuse.Transport;

/// <summary>Effective capabilities of this process, read from /proc/self/status.</summary>
internal static class Capabilities
{
    private const int CapSysAdmin = 21;

    /// <summary>CAP_SYS_ADMIN is effective; FUSE_DEV_IOC_BACKING_OPEN requires it.</summary>
    public static bool HasSysAdmin()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    ulong mask = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return (mask & (1UL << CapSysAdmin)) != 0;
                }
            }
        }
        catch (IOException)
        {
        }
        return false;
    }
}
