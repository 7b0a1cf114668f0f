using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using CowStore.Core.Posix;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Cow;

/// <summary>
/// The append-only metadata journal (DeltaDirectory/journal): a header, then frames of
/// [u32 payload length][u64 XxHash3 of payload][payload]. Each frame is written with one pwrite, so a
/// killed daemon leaves whole frames in the page cache; a machine crash can leave a torn last frame,
/// which replay detects by length/checksum and cuts off. See docs/FORMAT.md.
/// </summary>
internal sealed unsafe class MetadataJournal : IDisposable
{
    public const uint FormatVersion = 1;
    public const int HeaderSize = 24;
    public const int FrameHeaderSize = 12;
    public const string FileName = "journal";
    private static ReadOnlySpan<byte> Magic => "COWJRNL\0"u8;

    private readonly SafeFd _fd;
    private long _length;
    private long _unsyncedFrames;
    private string? _directory;
    private volatile bool _directoryDirty;

    private MetadataJournal(SafeFd fd, long length)
    {
        _fd = fd;
        _length = length;
    }

    /// <summary>Bytes in the journal file (header included).</summary>
    public long Length => _length;

    /// <summary>Frames appended since the last successful <see cref="Sync"/>.</summary>
    public bool HasUnsyncedFrames => Interlocked.Read(ref _unsyncedFrames) != 0;

    /// <summary>
    /// Replays <paramref name="path"/> into <paramref name="state"/>. Returns false when the journal has a
    /// torn tail (the frames before it are applied). A missing journal is an empty one.
    /// </summary>
    /// <exception cref="InvalidDataException">Unknown version, wrong base, or a frame that checks out but does not decode.</exception>
    public static bool Replay(string path, ulong baseRootIno, DeltaState state)
    {
        if (!File.Exists(path))
        {
            return true;
        }
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a cowstore metadata journal");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path} has journal format version {version}; this cowstore reads version {FormatVersion}");
        }
        ulong recordedRoot = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16));
        if (recordedRoot != baseRootIno)
        {
            throw new InvalidDataException($"{path} belongs to a different base (root inode {recordedRoot}, base has {baseRootIno})");
        }
        long position = HeaderSize;
        while (position < bytes.Length)
        {
            if (bytes.Length - position < FrameHeaderSize)
            {
                return false;
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)position));
            ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)position + 4));
            if (length > bytes.Length - position - FrameHeaderSize)
            {
                return false;
            }
            byte[] payload = bytes.AsSpan((int)position + FrameHeaderSize, (int)length).ToArray();
            if (XxHash3.HashToUInt64(payload) != checksum)
            {
                return false;
            }
            foreach (JournalOp op in JournalCodec.Decode(payload))
            {
                state.Apply(op);
            }
            position += FrameHeaderSize + length;
        }
        return true;
    }

    /// <summary>
    /// Writes <paramref name="state"/> as a fresh journal: temp file, fsync, rename over the journal,
    /// fsync the directory, and returns it open for appending (the fd is opened before the rename, so
    /// appends can never go to a replaced file). A crash at any point leaves the old or the new journal.
    /// </summary>
    /// <exception cref="IOException">Writing or syncing failed before the rename (the old journal is still in place).</exception>
    public static MetadataJournal WriteCheckpoint(string directory, ulong baseRootIno, DeltaState state)
    {
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        MetadataJournal journal;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(Header(baseRootIno));
                foreach (JournalOp op in state.Snapshot())
                {
                    stream.Write(Frame(JournalCodec.Encode([op])));
                }
                stream.Flush(flushToDisk: true);
            }
            journal = OpenForAppend(temp);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            journal.Dispose();
            File.Delete(temp);
            throw;
        }
        journal._directory = directory;
        journal._directoryDirty = true;
        // If this fsync fails the rename is retried for durability at the next Sync, which reports the error.
        journal.SyncDirectoryIfDirty();
        return journal;
    }

    /// <summary>Opens the journal for appending.</summary>
    /// <exception cref="IOException">It cannot be opened.</exception>
    public static MetadataJournal OpenForAppend(string path)
    {
        byte[] cpath = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = cpath)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, p, O_RDWR, 0);
        }
        if (fd < 0)
        {
            throw new IOException($"cannot open {path}: errno {-fd}", -fd);
        }
        return new MetadataJournal(new SafeFd(fd), new FileInfo(path).Length);
    }

    /// <summary>Appends one frame (one FUSE operation's ops) with a single pwrite; 0 or -errno (nothing counts as written then).</summary>
    public int Append(byte[] payload)
    {
        byte[] frame = Frame(payload);
        int written = PosixIo.PWriteFull(_fd.Fd, frame, _length);
        if (written != frame.Length)
        {
            // A short write left a partial frame: the next append overwrites it, replay would cut it off.
            return written < 0 ? written : -Fuse.Errno.ENOSPC;
        }
        _length += frame.Length;
        Interlocked.Increment(ref _unsyncedFrames);
        return 0;
    }

    /// <summary>fdatasync when frames are pending (file size changes are included); 0 or -errno.</summary>
    public int Sync()
    {
        int dirRc = SyncDirectoryIfDirty();
        if (dirRc != 0)
        {
            return dirRc;
        }
        long pending = Interlocked.Read(ref _unsyncedFrames);
        if (pending == 0)
        {
            return 0;
        }
        int rc = PosixIo.Sync(_fd.Fd, dataOnly: true);
        if (rc == 0)
        {
            Interlocked.Add(ref _unsyncedFrames, -pending);
        }
        return rc;
    }

    public void Dispose() => _fd.Dispose();

    /// <summary>Makes the checkpoint's rename durable (once); 0 or -errno.</summary>
    private int SyncDirectoryIfDirty()
    {
        if (!_directoryDirty || _directory is null)
        {
            return 0;
        }
        int rc = SyncDirectory(_directory);
        if (rc == 0)
        {
            _directoryDirty = false;
        }
        return rc;
    }

    public static byte[] Header(ulong baseRootIno)
    {
        byte[] header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), baseRootIno);
        return header;
    }

    private static byte[] Frame(byte[] payload)
    {
        byte[] frame = new byte[FrameHeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(4), XxHash3.HashToUInt64(payload));
        payload.CopyTo(frame, FrameHeaderSize);
        return frame;
    }

    /// <summary>fsync of a directory, so renames and new names in it are durable; 0 or -errno.</summary>
    public static int SyncDirectory(string directory)
    {
        byte[] cpath = Encoding.UTF8.GetBytes(directory + "\0");
        int fd;
        fixed (byte* p = cpath)
        {
            fd = PosixIo.OpenAt(AT_FDCWD, p, O_RDONLY | O_DIRECTORY, 0);
        }
        if (fd < 0)
        {
            return fd;
        }
        using var dirFd = new SafeFd(fd);
        return PosixIo.Sync(fd, dataOnly: false);
    }
}
