using CowStore.Core.Cow;
using CowStore.Core.Cow.Blocks;
using CowStore.Fuse;

namespace CowStore.Core.Snapshots;

/// <summary>
/// A snapshot file's content as a read-only block source: zero runs, base-file runs (read in place) and stored
/// blocks (verified on every read: a damaged block is EIO, never wrong data). Thread-safe: BlockFile reads in parallel.
/// </summary>
internal sealed class ManifestContent : IBlockSource
{
    private const int B = BlockFile.BlockSize;

    private readonly ContentRun[] _runs;
    private readonly long[] _runStarts; // first block of each run
    private readonly long _size;
    private readonly BaseTree _external;
    private readonly LowerSnapshot _snapshot;
    private readonly Dictionary<string, IBlockSource> _baseFiles = new(StringComparer.Ordinal);
    private bool _disposed;

    public ManifestContent(ManifestEntry entry, BaseTree external, LowerSnapshot snapshot)
    {
        _runs = [.. entry.Runs];
        _runStarts = new long[_runs.Length];
        long block = 0;
        for (int i = 0; i < _runs.Length; i++)
        {
            _runStarts[i] = block;
            block += _runs[i].Count;
        }
        _size = entry.Size;
        _external = external;
        _snapshot = snapshot;
    }

    public int Read(Span<byte> destination, long offset)
    {
        while (destination.Length > 0)
        {
            long block = offset / B;
            int within = (int)(offset % B);
            int run = RunOf(block);
            if (run < 0 || offset >= _size)
            {
                destination.Clear(); // past the end: zeros, like a file's tail
                return 0;
            }
            ContentRun current = _runs[run];
            long runEnd = (_runStarts[run] + current.Count) * B;
            int length = (int)Math.Min(destination.Length, runEnd - offset);
            Span<byte> part = destination[..length];
            int rc = current.Kind switch
            {
                RunKind.Zero => Clear(part),
                RunKind.Base => ReadBase(current.BasePath!, part, offset),
                _ => ReadStored(current, block - _runStarts[run], within, part),
            };
            if (rc != 0)
            {
                return rc;
            }
            destination = destination[length..];
            offset += length;
        }
        return 0;
    }

    public long Seek(long offset, int whence)
    {
        if (offset < 0 || offset >= _size)
        {
            return -Errno.ENXIO;
        }
        for (int run = RunOf(offset / B); run >= 0 && run < _runs.Length; run++)
        {
            bool data = _runs[run].Kind != RunKind.Zero;
            if (data == (whence == BlockIo.SEEK_DATA))
            {
                return Math.Max(offset, _runStarts[run] * B);
            }
        }
        return whence == BlockIo.SEEK_DATA ? -Errno.ENXIO : _size;
    }

    public void Dispose()
    {
        lock (_baseFiles)
        {
            _disposed = true;
            foreach (IBlockSource file in _baseFiles.Values)
            {
                file.Dispose();
            }
            _baseFiles.Clear();
        }
    }

    private int RunOf(long block)
    {
        int index = Array.BinarySearch(_runStarts, block);
        int run = index >= 0 ? index : ~index - 1;
        return run >= 0 && block < _runStarts[run] + _runs[run].Count ? run : -1;
    }

    private static int Clear(Span<byte> part)
    {
        part.Clear();
        return 0;
    }

    private int ReadBase(string basePath, Span<byte> part, long offset)
    {
        IBlockSource? file;
        lock (_baseFiles)
        {
            if (_disposed)
            {
                return -Errno.EBADF;
            }
            if (!_baseFiles.TryGetValue(basePath, out file))
            {
                int rc = _external.OpenContent(basePath, out file);
                if (rc != 0)
                {
                    return rc == -Errno.ENOENT ? -Errno.EIO : rc; // the base lost a file the snapshot needs
                }
                _baseFiles[basePath] = file!;
            }
        }
        return file!.Read(part, offset);
    }

    private int ReadStored(ContentRun run, long blockInRun, int within, Span<byte> part)
    {
        Span<byte> block = stackalloc byte[B];
        long packBlock = run.FirstBlock + blockInRun;
        while (part.Length > 0)
        {
            int length = Math.Min(part.Length, B - within);
            if (within == 0 && length == B)
            {
                int rc = _snapshot.ReadStoredBlock(run.Pack, packBlock, part[..B]);
                if (rc != 0)
                {
                    return rc;
                }
            }
            else
            {
                int rc = _snapshot.ReadStoredBlock(run.Pack, packBlock, block);
                if (rc != 0)
                {
                    return rc;
                }
                block.Slice(within, length).CopyTo(part);
            }
            part = part[length..];
            packBlock++;
            within = 0;
        }
        return 0;
    }
}
