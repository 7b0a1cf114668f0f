using System.IO.MemoryMappedFiles;
using System.Text;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Infrastructure.Interop;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Posix.Model;

/// <summary>
/// Applies a seeded stream of random operations to two trees (the backend under test and a plain
/// reference directory) and fails at the first operation whose result differs: the errno of every
/// call, the affected bytes and sizes after every step, open files in full every
/// <see cref="OpenFileCheckInterval"/> steps and the whole tree every <see cref="TreeCheckInterval"/>.
/// A handful of small files and directories keeps every step one or two cheap syscalls.
/// </summary>
internal sealed class TwinRunner : IDisposable
{
    private const int SlotCount = 6;
    private const int MaxWrite = 70_000;
    private const int OpenFileCheckInterval = 1000;
    private const int TreeCheckInterval = 2000;
    private const int HistoryLength = 40;

    // Includes the seeded base files, so a copy-on-write backend modifies base data too.
    private static readonly string[] s_files =
    [
        SeedLayout.FileName, $"{SeedLayout.DirectoryName}/{SeedLayout.InnerFileName}", "f0", "f1", "f2",
        "d0/f3", "d0/f4", "d1/f5", "d1/d2/f6", $"{SeedLayout.DirectoryName}/f7",
    ];

    private static readonly string[] s_directories = ["d0", "d1", "d1/d2", "d3", SeedLayout.DirectoryName, "d0/d4"];

    private readonly TwinSide _test;
    private readonly TwinSide _reference;
    private readonly ModelSettings _settings;
    private readonly Random _random;
    private readonly byte[] _data = new byte[MaxWrite];
    private readonly byte[] _bufferTest = new byte[256 * 1024];
    private readonly byte[] _bufferReference = new byte[256 * 1024];
    private readonly string?[] _slotPaths = new string?[SlotCount];
    private readonly bool[] _writeOnly = new bool[SlotCount];
    private readonly Queue<string> _history = new();
    private readonly Dictionary<string, int> _counts = [];
    private readonly Dictionary<string, long> _ticks = [];
    private string _operation = "";
    private long _operationStart;
    private int _step;
    private string _current = "";

    public TwinRunner(string testRoot, string referenceRoot, ModelSettings settings)
    {
        _test = new TwinSide("backend", testRoot, SlotCount);
        _reference = new TwinSide("reference", referenceRoot, SlotCount);
        _settings = settings;
        _random = new Random(settings.Seed);
    }

    /// <summary>How often each operation ran and the milliseconds it took, checks included (for the test output).</summary>
    public string Summary => string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal)
        .Select(c => $"{c.Key} {c.Value} ({_ticks.GetValueOrDefault(c.Key) * 1000 / System.Diagnostics.Stopwatch.Frequency} ms)"));

    public void Run()
    {
        try
        {
            CompareTrees();
            for (_step = 0; _step < _settings.Operations; _step++)
            {
                Step();
                if (_step % OpenFileCheckInterval == OpenFileCheckInterval - 1)
                {
                    CompareOpenFiles();
                }
                if (_step % TreeCheckInterval == TreeCheckInterval - 1)
                {
                    CompareTrees();
                }
            }
            CompareOpenFiles();
            CompareTrees();
        }
        catch (Exception e) when (e is not ModelMismatchException)
        {
            // A check helper failed outright (e.g. open during a comparison): still report seed and history.
            Fail($"{e.GetType().Name}: {e.Message}");
        }
    }

    private void Step()
    {
        int roll = _random.Next(1000);
        switch (roll)
        {
            case < 380: Write(); break;
            case < 540: Read(); break;
            case < 600: Open(); break;
            case < 630: Close(); break;
            case < 660: Reopen(); break;
            case < 685: FTruncate(); break;
            case < 695: TruncatePath(); break;
            case < 698: Sync(); break; // rare: every fsync reaches the disk on both sides
            case < 738: Rename(); break;
            case < 768: Link(); break;
            case < 808: Unlink(); break;
            case < 838: Mkdir(); break;
            case < 868: Rmdir(); break;
            case < 888: Fallocate(); break;
            case < 968: StatPath(); break;
            case < 998: ListDirectory(); break;
            default: MmapWrite(); break;
        }
    }

    // ---- operations ---------------------------------------------------------------------------

    private void Write()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        long offset = PickOffset();
        int length = PickLength();
        _random.NextBytes(_data.AsSpan(0, length));
        Begin("pwrite", $"slot {slot} ({_slotPaths[slot]}) at {offset} len {length}");
        Errno a = _test.Slots[slot]!.TryPWrite(offset, _data.AsSpan(0, length));
        Errno b = _reference.Slots[slot]!.TryPWrite(offset, _data.AsSpan(0, length));
        Same(a, b);
        CompareSlot(slot, offset, length);
    }

    private void Read()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        long offset = PickOffset();
        int length = PickLength();
        Begin("pread", $"slot {slot} ({_slotPaths[slot]}) at {offset} len {length}");
        CompareRange(slot, offset, length);
    }

    private void Open()
    {
        int slot = _random.Next(SlotCount);
        string path = PickFile();
        int flags = _random.Next(100) switch
        {
            < 60 => O_RDWR | O_CREAT,
            < 70 => O_RDWR,
            < 78 => O_RDONLY,
            < 85 => O_RDWR | O_CREAT | O_EXCL,
            < 92 => O_RDWR | O_CREAT | O_TRUNC,
            _ => O_WRONLY | O_APPEND,
        };
        OpenSlot(slot, path, flags);
    }

    private void Reopen()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        OpenSlot(slot, _slotPaths[slot]!, O_RDWR);
    }

    private void OpenSlot(int slot, string path, int flags)
    {
        Begin("open", $"slot {slot} {path} flags 0x{flags:x}");
        _test.CloseSlot(slot);
        _reference.CloseSlot(slot);
        Errno a = FileDescriptor.TryOpen(_test.PathOf(path), flags, out FileDescriptor? fdTest);
        Errno b = FileDescriptor.TryOpen(_reference.PathOf(path), flags, out FileDescriptor? fdReference);
        _test.Slots[slot] = fdTest;
        _reference.Slots[slot] = fdReference;
        _slotPaths[slot] = a == Errno.OK ? path : null;
        _writeOnly[slot] = (flags & 3) == O_WRONLY;
        Same(a, b);
        if (a == Errno.OK)
        {
            CompareSlot(slot, 0, 4096);
        }
    }

    private void Close()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        Begin("close", $"slot {slot} ({_slotPaths[slot]})");
        FileDescriptor test = _test.Slots[slot]!, reference = _reference.Slots[slot]!;
        _test.Slots[slot] = null;
        _reference.Slots[slot] = null;
        _slotPaths[slot] = null;
        Same(test.CloseChecked(), reference.CloseChecked());
    }

    private void FTruncate()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        long length = PickOffset();
        Begin("ftruncate", $"slot {slot} ({_slotPaths[slot]}) to {length}");
        Same(_test.Slots[slot]!.TryTruncate(length), _reference.Slots[slot]!.TryTruncate(length));
        CompareSlot(slot, Math.Max(0, length - 8192), 16384);
    }

    private void TruncatePath()
    {
        string path = PickFile();
        long length = PickOffset();
        Begin("truncate", $"{path} to {length}");
        Same(Sys.Result(Libc.Truncate(_test.PathOf(path), length)), Sys.Result(Libc.Truncate(_reference.PathOf(path), length)));
        ComparePath(path);
    }

    private void Sync()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        bool data = _random.Next(2) == 0;
        Begin(data ? "fdatasync" : "fsync", $"slot {slot} ({_slotPaths[slot]})");
        Errno a = data ? _test.Slots[slot]!.TryFDataSync() : _test.Slots[slot]!.TryFSync();
        Errno b = data ? _reference.Slots[slot]!.TryFDataSync() : _reference.Slots[slot]!.TryFSync();
        Same(a, b);
        if (a != Errno.OK)
        {
            Fail($"{_current} failed with {a} on both sides: fsync must succeed");
        }
    }

    private void Rename()
    {
        bool directories = _random.Next(4) == 0;
        string from = directories ? PickDirectory() : PickFile();
        string to = _random.Next(5) == 0 ? PickAny() : directories ? PickDirectory() : PickFile();
        uint flags = _random.Next(10) switch { 0 => RENAME_NOREPLACE, 1 => RENAME_EXCHANGE, _ => 0 };
        Begin("rename", $"{from} -> {to} flags {flags}");
        Same(Sys.TryRename2(_test.PathOf(from), _test.PathOf(to), flags),
            Sys.TryRename2(_reference.PathOf(from), _reference.PathOf(to), flags));
        ComparePath(from);
        ComparePath(to);
    }

    private void Link()
    {
        string from = _random.Next(8) == 0 ? PickDirectory() : PickFile();
        string to = PickFile();
        Begin("link", $"{from} -> {to}");
        Same(Sys.TryLink(_test.PathOf(from), _test.PathOf(to)), Sys.TryLink(_reference.PathOf(from), _reference.PathOf(to)));
        ComparePath(from);
        ComparePath(to);
    }

    private void Unlink()
    {
        string path = _random.Next(8) == 0 ? PickDirectory() : PickFile();
        Begin("unlink", path);
        Same(Sys.TryUnlink(_test.PathOf(path)), Sys.TryUnlink(_reference.PathOf(path)));
        ComparePath(path);
    }

    private void Mkdir()
    {
        string path = _random.Next(8) == 0 ? PickFile() : PickDirectory();
        Begin("mkdir", path);
        Same(Sys.TryMkdir(_test.PathOf(path)), Sys.TryMkdir(_reference.PathOf(path)));
        ComparePath(path);
    }

    private void Rmdir()
    {
        string path = _random.Next(8) == 0 ? PickFile() : PickDirectory();
        Begin("rmdir", path);
        Same(Sys.TryRmdir(_test.PathOf(path)), Sys.TryRmdir(_reference.PathOf(path)));
        ComparePath(path);
    }

    private void Fallocate()
    {
        if (!PickOpenSlot(out int slot))
        {
            return;
        }
        int mode = _random.Next(4) switch
        {
            0 => 0,
            1 => FALLOC_FL_KEEP_SIZE,
            2 => FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
            _ => FALLOC_FL_ZERO_RANGE,
        };
        long offset = PickOffset();
        int length = PickLength() + 1;
        Begin("fallocate", $"slot {slot} ({_slotPaths[slot]}) mode 0x{mode:x} at {offset} len {length}");
        Same(_test.Slots[slot]!.TryAllocate(mode, offset, length), _reference.Slots[slot]!.TryAllocate(mode, offset, length));
        CompareSlot(slot, offset, length);
    }

    private void StatPath()
    {
        string path = PickAny();
        Begin("lstat", path);
        ComparePath(path);
    }

    private void ListDirectory()
    {
        string path = _random.Next(4) == 0 ? "." : PickDirectory();
        Begin("readdir", path);
        Errno a = ListNames(_test.PathOf(path), out string names);
        Errno b = ListNames(_reference.PathOf(path), out string expected);
        Same(a, b);
        if (names != expected)
        {
            Fail($"directory {path} lists [{names}], reference [{expected}]");
        }
    }

    /// <summary>A shared writable mapping in this process (the daemon is another process, so this is safe).</summary>
    private void MmapWrite()
    {
        string path = PickFile();
        Begin("lstat", path);
        ComparePath(path);
        Errno a = Sys.TryLStat(_test.PathOf(path), out StatBuffer st);
        if (a != Errno.OK || st.FileType != S_IFREG || st.Size == 0)
        {
            return;
        }
        long offset = _random.NextInt64(st.Size);
        int length = (int)Math.Min(st.Size - offset, _random.Next(1, 9000));
        _random.NextBytes(_data.AsSpan(0, length));
        Begin("mmap-write", $"{path} at {offset} len {length}");
        foreach (TwinSide side in new[] { _test, _reference })
        {
            using var map = MemoryMappedFile.CreateFromFile(side.PathOf(path), FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
            using MemoryMappedViewAccessor view = map.CreateViewAccessor(offset, length);
            view.WriteArray(0, _data, 0, length);
            view.Flush();
        }
        ComparePath(path);
    }

    // ---- comparisons --------------------------------------------------------------------------

    /// <summary>Both fds agree on size, link count and the bytes around the touched range.</summary>
    private void CompareSlot(int slot, long offset, int length)
    {
        Errno ea = _test.Slots[slot]!.TryStat(out StatBuffer a), eb = _reference.Slots[slot]!.TryStat(out StatBuffer b);
        if (ea != eb)
        {
            Fail($"fstat slot {slot} ({_slotPaths[slot]}): {ea}, reference {eb}");
        }
        if (a.Size != b.Size || a.Nlink != b.Nlink)
        {
            Fail($"slot {slot} ({_slotPaths[slot]}): size {a.Size} nlink {a.Nlink}, reference size {b.Size} nlink {b.Nlink}");
        }
        long start = Math.Max(0, offset - 4096);
        CompareRange(slot, start, (int)Math.Min(_bufferTest.Length, offset - start + length + 4096));
    }

    private void CompareRange(int slot, long offset, int length)
    {
        // A write-only fd cannot be read back; CompareOpenFiles and the path checks cover its file.
        if (_writeOnly[slot])
        {
            return;
        }
        Errno a = _test.Slots[slot]!.TryPRead(offset, _bufferTest.AsSpan(0, length), out int n);
        Errno b = _reference.Slots[slot]!.TryPRead(offset, _bufferReference.AsSpan(0, length), out int m);
        if (a != b)
        {
            Fail($"pread slot {slot} ({_slotPaths[slot]}) at {offset}: {a}, reference {b}");
        }
        CompareBytes($"slot {slot} ({_slotPaths[slot]})", offset, _bufferTest.AsSpan(0, n), _bufferReference.AsSpan(0, m));
    }

    private void CompareOpenFiles()
    {
        Begin("check", "every open file in full");
        for (int slot = 0; slot < SlotCount; slot++)
        {
            if (_test.Slots[slot] is not null)
            {
                CompareSlot(slot, 0, _bufferTest.Length - 8192);
            }
        }
    }

    /// <summary>lstat agrees (errno, type, size, link count, permissions) and regular files have the same bytes.</summary>
    private void ComparePath(string path, bool full = false)
    {
        Errno a = Sys.TryLStat(_test.PathOf(path), out StatBuffer sa);
        Errno b = Sys.TryLStat(_reference.PathOf(path), out StatBuffer sb);
        if (a != b)
        {
            Fail($"lstat {path}: {a}, reference {b}");
        }
        if (a != Errno.OK)
        {
            return;
        }
        if (sa.Mode != sb.Mode || sa.Nlink != sb.Nlink || (sa.FileType == S_IFREG && sa.Size != sb.Size))
        {
            Fail($"lstat {path}: mode {sa.Mode:x} nlink {sa.Nlink} size {sa.Size}, reference mode {sb.Mode:x} nlink {sb.Nlink} size {sb.Size}");
        }
        if (sa.FileType == S_IFREG)
        {
            // A random window and the tail per step; full contents come with the tree checks.
            CompareFileWindow(path, _random.NextInt64(Math.Max(1, sa.Size)), 8192, full);
            CompareFileWindow(path, Math.Max(0, sa.Size - 4096), 4096, full);
        }
    }

    private void CompareFileWindow(string path, long offset, int length, bool full)
    {
        if (full)
        {
            (offset, length) = (0, _bufferTest.Length);
        }
        using FileDescriptor a = FileDescriptor.Open(_test.PathOf(path), O_RDONLY);
        using FileDescriptor b = FileDescriptor.Open(_reference.PathOf(path), O_RDONLY);
        int n = a.PRead(offset, _bufferTest.AsSpan(0, length));
        int m = b.PRead(offset, _bufferReference.AsSpan(0, length));
        CompareBytes(path, offset, _bufferTest.AsSpan(0, n), _bufferReference.AsSpan(0, m));
    }

    /// <summary>The whole tree: names, types, sizes, link counts, contents, and which names share an inode.</summary>
    private void CompareTrees()
    {
        Begin("check", "whole tree");
        List<string> a = Walk(_test.Root), b = Walk(_reference.Root);
        string listA = string.Join(", ", a), listB = string.Join(", ", b);
        if (listA != listB)
        {
            Fail($"trees differ:\n  backend:   {listA}\n  reference: {listB}");
        }
        var inodesA = new Dictionary<ulong, string>();
        var inodesB = new Dictionary<ulong, string>();
        foreach (string path in a)
        {
            ComparePath(path, full: true);
            StatBuffer sa = Sys.LStat(_test.PathOf(path)), sb = Sys.LStat(_reference.PathOf(path));
            if (sa.FileType == S_IFREG)
            {
                // Hard links: names share an inode on one side exactly when they do on the other.
                string firstA = inodesA.TryAdd(sa.Ino, path) ? path : inodesA[sa.Ino];
                string firstB = inodesB.TryAdd(sb.Ino, path) ? path : inodesB[sb.Ino];
                if (firstA != firstB)
                {
                    Fail($"{path} is the same file as {firstA} on the backend but as {firstB} in the reference");
                }
            }
        }
    }

    private static List<string> Walk(string root)
    {
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            string relative = pending.Pop();
            foreach (string entry in Directory.EnumerateFileSystemEntries(Path.Combine(root, relative)))
            {
                string child = Path.Combine(relative, Path.GetFileName(entry));
                result.Add(child);
                if (Sys.LStat(entry).FileType == S_IFDIR)
                {
                    pending.Push(child);
                }
            }
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static Errno ListNames(string path, out string names)
    {
        Errno e = Sys.TryStat(path, out StatBuffer st);
        if (e == Errno.OK && st.FileType != S_IFDIR)
        {
            e = Errno.ENOTDIR;
        }
        names = e == Errno.OK
            ? string.Join(",", Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            : "";
        return e;
    }

    private void CompareBytes(string what, long offset, ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        if (actual.SequenceEqual(expected))
        {
            return;
        }
        int common = Math.Min(actual.Length, expected.Length);
        int first = actual[..common].CommonPrefixLength(expected[..common]);
        Fail(first < common
            ? $"{what}: byte at {offset + first} is 0x{actual[first]:x2}, reference 0x{expected[first]:x2} ({actual.Length} vs {expected.Length} bytes read from {offset})"
            : $"{what}: read {actual.Length} bytes from {offset}, reference {expected.Length}");
    }

    private void Same(Errno test, Errno reference)
    {
        if (test != reference)
        {
            Fail($"returned {test}, reference returned {reference}");
        }
    }

    // ---- choices and bookkeeping --------------------------------------------------------------

    private bool PickOpenSlot(out int slot)
    {
        int start = _random.Next(SlotCount);
        for (int i = 0; i < SlotCount; i++)
        {
            slot = (start + i) % SlotCount;
            if (_test.Slots[slot] is not null)
            {
                return true;
            }
        }
        slot = -1;
        return false;
    }

    /// <summary>Offsets cluster around 4 KiB and 64 KiB boundaries, where block maps go wrong.</summary>
    private long PickOffset() => _random.Next(3) switch
    {
        0 => Math.Max(0, (_random.Next(1, 40) * 4096L) + _random.Next(-3, 4)),
        1 => Math.Max(0, (_random.Next(0, 3) * 65536L) + _random.Next(-70, 70)),
        _ => _random.Next(0, 150_000),
    };

    private int PickLength() => _random.Next(100) switch
    {
        < 60 => _random.Next(1, 513),
        < 98 => _random.Next(1, 9000),
        _ => _random.Next(60_000, MaxWrite),
    };

    private string PickFile() => s_files[_random.Next(s_files.Length)];

    private string PickDirectory() => s_directories[_random.Next(s_directories.Length)];

    private string PickAny() => _random.Next(3) == 0 ? PickDirectory() : PickFile();

    private void Begin(string operation, string details)
    {
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_operation.Length > 0)
        {
            _ticks[_operation] = _ticks.GetValueOrDefault(_operation) + (now - _operationStart);
        }
        (_operation, _operationStart) = (operation, now);
        _current = $"#{_step} {operation} {details}";
        _counts[operation] = _counts.GetValueOrDefault(operation) + 1;
        _history.Enqueue(_current);
        if (_history.Count > HistoryLength)
        {
            _history.Dequeue();
        }
    }

    private void Fail(string message)
    {
        var text = new StringBuilder()
            .AppendLine($"model mismatch at operation {_current}: {message}")
            .AppendLine($"seed {_settings.Seed}; rerun up to this operation with COWSTORE_MODEL_SEED={_settings.Seed} COWSTORE_MODEL_OPS={_step + 1}")
            .AppendLine("last operations:");
        foreach (string line in _history)
        {
            text.Append("  ").AppendLine(line);
        }
        throw new ModelMismatchException(text.ToString());
    }

    public void Dispose()
    {
        _test.Dispose();
        _reference.Dispose();
    }
}

/// <summary>The backend and the reference disagreed; the message has the seed and the last operations.</summary>
internal sealed class ModelMismatchException(string message) : Xunit.Sdk.XunitException(message);
