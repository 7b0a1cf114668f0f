namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>Writes files of real data (no holes), so a peer that copies whole files pays for every byte.</summary>
internal static class LargeFile
{
    public static void Write(string path, long size)
    {
        byte[] chunk = new byte[1 << 20];
        new Random(42).NextBytes(chunk);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        for (long written = 0; written < size; written += chunk.Length)
        {
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Bytes allocated on disk under <paramref name="directory"/> (du), what a delta really costs.</summary>
    public static long AllocatedBytes(string directory)
    {
        var du = Infrastructure.ProcessRunner.Run("du", ["-s", "-B1", directory]);
        if (du.ExitCode != 0)
        {
            throw new InvalidOperationException(du.ToString());
        }
        return long.Parse(du.Stdout.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
