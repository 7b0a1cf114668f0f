using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Publishing primitives of the snapshot store: temp + fsync + rename + fsync of the directory, so a crash leaves
/// the old object or the new one. Errors throw <see cref="IOException"/> (errno in HResult).
/// </summary>
internal static class DurableFiles
{
    /// <summary>Writes <paramref name="content"/> to a temp file next to <paramref name="path"/>, fsyncs, renames over it, fsyncs the directory.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteNewFileSynced(temp, content);
            Rename(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>Creates <paramref name="path"/> (must not exist) with <paramref name="content"/> and fsyncs it; the directory entry is not synced.</summary>
    public static void WriteNewFileSynced(string path, ReadOnlySpan<byte> content)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>rename(2), replacing a file at <paramref name="to"/>; works for directories too.</summary>
    public static void Rename(string from, string to)
    {
        int rc = BlockIo.Rename(from, to);
        if (rc < 0)
        {
            throw BlockIo.ErrnoException(-rc, "rename", $"{from} -> {to}");
        }
    }

    /// <summary>fsync(2) of a directory: makes creates, renames and unlinks in it durable.</summary>
    public static void SyncDirectory(string directory)
    {
        using SafeFd fd = BlockIo.OpenOrThrow(directory, PosixConstants.O_RDONLY | PosixConstants.O_DIRECTORY);
        int rc = PosixIo.Sync(fd.Fd, dataOnly: false);
        if (rc < 0)
        {
            throw BlockIo.ErrnoException(-rc, "fsync", directory);
        }
    }

    /// <summary>Creates <paramref name="directory"/> if missing and makes its entry durable.</summary>
    public static void CreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }
        Directory.CreateDirectory(directory);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(directory))!);
    }
}
