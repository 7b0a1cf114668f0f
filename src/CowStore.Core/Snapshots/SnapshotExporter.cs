using System.Text;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Snapshots;

/// <summary>What an export wrote.</summary>
/// <param name="DataBytes">Bytes actually written (all-zero blocks are left as holes).</param>
/// <param name="SkippedSpecial">Devices, fifos or sockets that could not be created (e.g. devices without root).</param>
public sealed record ExportResult(long Files, long Directories, long Symlinks, long SkippedSpecial, long LogicalBytes, long DataBytes);

/// <summary>
/// Materializes a <see cref="SnapshotTree"/> as an ordinary directory tree: contents (sparse: an all-zero 4 KiB
/// block becomes a hole), permission bits, symlinks, user.* xattrs and mtimes. The tree is built in a hidden
/// sibling of the destination, every file and directory fsynced, and renamed into place at the end, so the
/// destination is either absent (or the empty directory it was) or complete.
/// </summary>
public static unsafe class SnapshotExporter
{
    private const int BlockSize = PackIndex.BlockSize;
    private const int ChunkBlocks = 256; // 1 MiB reads

    /// <exception cref="IOException">The destination is not empty, or a read (a damaged block: EIO) or write failed.</exception>
    public static ExportResult Export(SnapshotTree tree, string destination, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(tree);
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        RequireEmptyOrAbsent(target);
        string parent = Path.GetDirectoryName(target) ?? throw new IOException("cannot export onto /");
        if (!Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"{parent} does not exist");
        }
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{TempNames.New("export")}");
        Directory.CreateDirectory(temp);
        try
        {
            ExportResult result = new Writer(tree, temp, progress).Run();
            RequireEmptyOrAbsent(target);
            DurableFiles.Rename(temp, target);
            DurableFiles.SyncDirectory(parent);
            return result;
        }
        catch
        {
            RemoveTemp(temp);
            throw;
        }
    }

    private static void RequireEmptyOrAbsent(string target)
    {
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException($"{target} exists and is not an empty directory");
        }
    }

    private static void RemoveTemp(string temp)
    {
        if (!Directory.Exists(temp))
        {
            return;
        }
        // Exported directories may be read-only: give the owner write access back before deleting.
        foreach (string directory in Directory.EnumerateDirectories(temp, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Prepend(temp))
        {
            try
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (IOException)
            {
                // Best effort: the delete below reports what it cannot remove.
            }
        }
        Directory.Delete(temp, recursive: true);
    }

    private sealed class Writer(SnapshotTree tree, string root, IProgress<long>? progress)
    {
        private readonly byte[] _buffer = new byte[ChunkBlocks * BlockSize];
        private readonly List<SnapshotTreeEntry> _directories = [];
        private long _files;
        private long _symlinks;
        private long _skipped;
        private long _logical;
        private long _data;

        public ExportResult Run()
        {
            foreach (SnapshotTreeEntry entry in tree.Walk())
            {
                string path = Target(entry.Path);
                switch (entry.Kind)
                {
                    case SnapshotTreeKind.Directory:
                        if (entry.Path.Length > 0)
                        {
                            Check(Mkdir(path), "mkdir", path);
                        }
                        _directories.Add(entry);
                        break;
                    case SnapshotTreeKind.File:
                        WriteFile(entry, path);
                        _files++;
                        break;
                    case SnapshotTreeKind.Symlink:
                        Check(Symlink(tree.ReadLink(entry.Path), path), "symlink", path);
                        SetTimes(entry, path);
                        _symlinks++;
                        break;
                    default:
                        if (Mknod(path, entry.Mode, entry.Rdev) < 0)
                        {
                            _skipped++;
                        }
                        else
                        {
                            SetAttributes(entry, path);
                        }
                        break;
                }
            }
            // Deepest first: a directory's mtime and a read-only mode are set once nothing more is created in it.
            for (int i = _directories.Count - 1; i >= 0; i--)
            {
                SnapshotTreeEntry directory = _directories[i];
                string path = Target(directory.Path);
                DurableFiles.SyncDirectory(path);
                SetAttributes(directory, path);
            }
            return new ExportResult(_files, _directories.Count, _symlinks, _skipped, _logical, _data);
        }

        private string Target(string path) => path.Length == 0 ? root : root + "/" + path;

        private void WriteFile(SnapshotTreeEntry entry, string path)
        {
            using SafeFd fd = OpenNew(path);
            using (SnapshotTreeFile file = tree.OpenFile(entry))
            {
                long offset = 0;
                while (offset < entry.Size)
                {
                    long data = file.NextData(offset) / BlockSize * BlockSize;
                    if (data >= entry.Size)
                    {
                        break;
                    }
                    int length = (int)Math.Min(_buffer.Length, entry.Size - data);
                    Span<byte> chunk = _buffer.AsSpan(0, length);
                    file.Read(chunk, data);
                    WriteNonZeroBlocks(fd, chunk, data, path);
                    offset = data + length;
                    progress?.Report(_logical + offset);
                }
            }
            Check(BlockIo.FTruncate(fd, entry.Size), "truncate", path);
            Check(PosixIo.Sync(fd.Fd, dataOnly: false), "fsync", path);
            _logical += entry.Size;
            SetAttributes(entry, path, fd);
        }

        /// <summary>Writes runs of blocks that hold a non-zero byte; zero blocks stay holes.</summary>
        private void WriteNonZeroBlocks(SafeFd fd, ReadOnlySpan<byte> chunk, long offset, string path)
        {
            int start = -1;
            int blocks = (chunk.Length + BlockSize - 1) / BlockSize;
            for (int block = 0; block <= blocks; block++)
            {
                int at = block * BlockSize;
                bool data = block < blocks && chunk.Slice(at, Math.Min(BlockSize, chunk.Length - at)).ContainsAnyExcept((byte)0);
                if (data && start < 0)
                {
                    start = at;
                }
                else if (!data && start >= 0)
                {
                    int end = Math.Min(at, chunk.Length);
                    Check(BlockIo.PWriteFull(fd, chunk[start..end], offset + start), "write", path);
                    _data += end - start;
                    start = -1;
                }
            }
        }

        private void SetAttributes(SnapshotTreeEntry entry, string path, SafeFd? open = null)
        {
            foreach ((string name, byte[] value) in tree.ReadXattrs(entry))
            {
                if (name.StartsWith("user.", StringComparison.Ordinal))
                {
                    Check(SetXattr(path, name, value), "setxattr " + name, path);
                }
            }
            if (open is not null)
            {
                Check(Libc.FChmod(open.Fd, entry.Permissions) == 0 ? 0 : Libc.NegErrno, "chmod", path);
            }
            else
            {
                Check(Chmod(path, entry.Permissions), "chmod", path);
            }
            SetTimes(entry, path);
        }

        private static void SetTimes(SnapshotTreeEntry entry, string path)
        {
            TimeSpec* times = stackalloc TimeSpec[2];
            times[0] = new TimeSpec { Sec = entry.AtimeSec, Nsec = entry.AtimeNsec };
            times[1] = new TimeSpec { Sec = entry.MtimeSec, Nsec = entry.MtimeNsec };
            fixed (byte* p = CString(path))
            {
                Check(Libc.UtimensAt(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Libc.NegErrno, "utimensat", path);
            }
        }
    }

    private static SafeFd OpenNew(string path)
    {
        fixed (byte* p = CString(path))
        {
            int fd = PosixIo.OpenAt(AT_FDCWD, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180);
            Check(fd, "create", path);
            return new SafeFd(fd);
        }
    }

    private static int Mkdir(string path)
    {
        fixed (byte* p = CString(path))
        {
            return Libc.MkdirAt(AT_FDCWD, p, 0x1C0) == 0 ? 0 : Libc.NegErrno;
        }
    }

    private static int Symlink(byte[] target, string path)
    {
        byte[] terminated = [.. target, 0];
        fixed (byte* t = terminated)
        fixed (byte* p = CString(path))
        {
            return Libc.SymlinkAt(t, AT_FDCWD, p) == 0 ? 0 : Libc.NegErrno;
        }
    }

    private static int Mknod(string path, uint mode, ulong rdev)
    {
        fixed (byte* p = CString(path))
        {
            return Libc.MknodAt(AT_FDCWD, p, mode, rdev) == 0 ? 0 : Libc.NegErrno;
        }
    }

    private static int Chmod(string path, uint permissions)
    {
        fixed (byte* p = CString(path))
        {
            return Libc.FChmodAt(AT_FDCWD, p, permissions, 0) == 0 ? 0 : Libc.NegErrno;
        }
    }

    private static int SetXattr(string path, string name, byte[] value)
    {
        fixed (byte* p = CString(path))
        fixed (byte* n = CString(name))
        fixed (byte* v = value)
        {
            return Libc.SetXattr(p, n, v, (nuint)value.Length, 0) == 0 ? 0 : Libc.NegErrno;
        }
    }

    private static void Check(int rc, string operation, string path)
    {
        if (rc < 0)
        {
            throw BlockIo.ErrnoException(-rc, operation, path);
        }
    }

    private static byte[] CString(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
