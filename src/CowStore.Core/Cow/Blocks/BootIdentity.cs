namespace CowStore.Core.Cow.Blocks;

/// <summary>
/// The running kernel's boot id. Map records appended under the current boot id are trusted on reopen even
/// without a Sync: a killed daemon leaves the page cache (data and map alike) intact. After a reboot the page
/// cache is gone and may have reached disk in any order, so only records up to the last Synced marker count.
/// </summary>
internal static class BootIdentity
{
    private static readonly Lazy<(long High, long Low)> CurrentId = new(Read);

    public static (long High, long Low) Current => CurrentId.Value;

    private static (long High, long Low) Read()
    {
        Span<byte> bytes = stackalloc byte[16];
        try
        {
            Guid id = Guid.Parse(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());
            id.TryWriteBytes(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Unknown boot: a fresh id per process makes every reopen trust only synced records (the safe side).
            Guid.NewGuid().TryWriteBytes(bytes);
        }
        return (BitConverter.ToInt64(bytes[..8]), BitConverter.ToInt64(bytes[8..]));
    }
}
