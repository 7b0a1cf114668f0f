namespace CowStore.Store.Catalog;

/// <summary>Publishing primitives that survive a crash at any point: old content or new, never half.</summary>
public static class DurableFile
{
    /// <summary>Writes a temp file in the same directory, fsyncs it, renames it over <paramref name="path"/>, fsyncs the directory.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        string directory = Path.GetDirectoryName(path)!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/> and fsyncs the parent directory.</summary>
    public static void MoveDirectory(string source, string destination)
    {
        Directory.Move(source, destination);
        SyncDirectory(Path.GetDirectoryName(destination)!);
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) and makes the new entry durable.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }
        Directory.CreateDirectory(path);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>fsync(2) on a directory so a rename or create in it is on stable storage.</summary>
    public static void SyncDirectory(string directory)
    {
        int fd = Libc.Open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw ErrnoException.From(Libc.Errno, $"open {directory}");
        }
        try
        {
            if (Libc.FSync(fd) != 0)
            {
                throw ErrnoException.From(Libc.Errno, $"fsync {directory}");
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
