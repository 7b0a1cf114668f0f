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
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content) => WriteAllBytes(path, content, tempDirectory: null);

    /// <summary>
    /// As <see cref="WriteAllBytes(string, ReadOnlySpan{byte})"/>, with the temp file in <paramref name="tempDirectory"/>
    /// (same filesystem; the store's tmp/, where gc removes what a killed process left) instead of next to the file.
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, string? tempDirectory)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = tempDirectory is null
            ? Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp")
            : Path.Combine(tempDirectory, TempNames.New("file"));
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

    /// <summary>Mode of immutable store objects (packs, manifests): 0444, so nothing writes them by accident.</summary>
    public const UnixFileMode ReadOnlyMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Creates <paramref name="path"/> (must not exist) with <paramref name="content"/> and fsyncs it; the directory entry is not synced.</summary>
    public static void WriteNewFileSynced(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        using FileStream stream = CreateNew(path, mode, bufferSize: 0);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>A new file open for writing; <paramref name="mode"/> (e.g. <see cref="ReadOnlyMode"/>) only restricts later opens.</summary>
    public static FileStream CreateNew(string path, UnixFileMode? mode, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = bufferSize };
        if (mode is { } unixMode)
        {
            options.UnixCreateMode = unixMode;
        }
        return new FileStream(path, options);
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
