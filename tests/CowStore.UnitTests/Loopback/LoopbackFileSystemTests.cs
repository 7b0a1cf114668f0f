using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Loopback;

public sealed class LoopbackFileSystemTests
{
    private static readonly FuseRequest Caller = LoopbackHarness.Caller;
    private const ulong Root = IFuseFileSystem.RootNodeId;

    [Fact]
    public void Lookup_ReportsTheBackingInodeAndCountsEachLookup()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("a"), "hello");

        FuseEntryOut first = h.Lookup("a");
        FuseEntryOut second = h.Lookup("a");

        Assert.Equal(first.NodeId, second.NodeId);
        Assert.Equal(LoopbackHarness.LStat(h.PathOf("a")).Ino, first.Attr.Ino);
        Assert.Equal(5UL, first.Attr.Size);
        Assert.Equal(2UL, h.FileSystem.LookupCountOf(first.NodeId));
        Assert.True(first.EntryValid > 0 && first.AttrValid > 0);
    }

    [Fact]
    public void Lookup_OfAMissingName_IsENOENT()
    {
        using var h = new LoopbackHarness();
        FuseEntryOut entry = default;
        Assert.Equal(-Errno.ENOENT, h.FileSystem.Lookup(Caller, Root, LoopbackHarness.Name("missing"), ref entry));
        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    [Fact]
    public void CreateWriteRead_RoundTripsAtAnyOffset_AndLeavesAHole()
    {
        using var h = new LoopbackHarness();
        (FuseEntryOut entry, ulong fh) = h.Create("data");
        byte[] page = Enumerable.Range(0, 8192).Select(i => (byte)i).ToArray();

        Assert.Equal(page.Length, h.FileSystem.Write(Caller, entry.NodeId, fh, 0, page, 0));
        Assert.Equal(page.Length, h.FileSystem.Write(Caller, entry.NodeId, fh, 1 << 20, page, 0));

        byte[] back = new byte[8192];
        Assert.Equal(back.Length, h.FileSystem.Read(Caller, entry.NodeId, fh, 1 << 20, back));
        Assert.Equal(page, back);
        Assert.Equal(100, h.FileSystem.Read(Caller, entry.NodeId, fh, (1 << 20) + 8092, back));
        Assert.Equal(0, h.FileSystem.Read(Caller, entry.NodeId, fh, 4 << 20, back));
        Assert.Equal((ulong)((1 << 20) + 8192), h.GetAttr(entry.NodeId, fh).Size);

        byte[] onDisk = File.ReadAllBytes(h.PathOf("data"));
        Assert.Equal(page, onDisk[..8192]);
        Assert.All(onDisk[8192..(1 << 20)], b => Assert.Equal(0, b));
        Assert.Equal(0, h.FileSystem.Fsync(Caller, entry.NodeId, fh, dataOnly: true));
        Assert.Equal(0, h.FileSystem.Fsync(Caller, entry.NodeId, fh, dataOnly: false));
        Assert.Equal(0, h.FileSystem.Flush(Caller, entry.NodeId, fh, 0));
        Assert.Equal(0, h.FileSystem.Release(Caller, entry.NodeId, fh, 0));
        Assert.Equal(0, h.FileSystem.OpenHandleCount);
    }

    [Fact]
    public void Open_WithAppend_AppendsWhateverOffsetIsGiven()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("log"), "one\n");
        FuseEntryOut entry = h.Lookup("log");
        ulong fh = h.Open(entry.NodeId, PosixConstants.O_WRONLY | PosixConstants.O_APPEND);

        Assert.Equal(4, h.FileSystem.Write(Caller, entry.NodeId, fh, 0, "two\n"u8, 0));

        Assert.Equal("one\ntwo\n", File.ReadAllText(h.PathOf("log")));
        h.FileSystem.Release(Caller, entry.NodeId, fh, 0);
    }

    [Fact]
    public void DirectIo_WorksFromUnalignedBuffers()
    {
        using var h = new LoopbackHarness();
        (FuseEntryOut entry, ulong fh) = h.Create("direct", PosixConstants.O_RDWR | PosixConstants.O_DIRECT);
        // A managed array is not page-aligned: the first pwrite gets EINVAL and the bounce buffer takes over.
        byte[] block = new byte[4096 + 1];
        Array.Fill(block, (byte)0x5A);
        Span<byte> unaligned = block.AsSpan(1, 4096);

        Assert.Equal(4096, h.FileSystem.Write(Caller, entry.NodeId, fh, 4096, unaligned, 0));
        byte[] back = new byte[4096 + 3];
        Assert.Equal(4096, h.FileSystem.Read(Caller, entry.NodeId, fh, 4096, back.AsSpan(3, 4096)));

        Assert.All(back[3..], b => Assert.Equal(0x5A, b));
        Assert.Equal(8192, new FileInfo(h.PathOf("direct")).Length);
        Assert.Equal(-Errno.EINVAL, h.FileSystem.Write(Caller, entry.NodeId, fh, 100, unaligned, 0));
    }

    [Fact]
    public void Create_WithoutExclusive_OpensAnExistingFileAsIs()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("there"), "keep");
        (FuseEntryOut entry, ulong fh) = h.Create("there", PosixConstants.O_RDWR);
        Assert.Equal(4UL, entry.Attr.Size);
        h.FileSystem.Release(Caller, entry.NodeId, fh, 0);
    }

    [Fact]
    public void Create_WithExclusive_FailsOnAnExistingName()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("taken"), "");
        FuseEntryOut entry = default;
        FuseOpenOut open = default;
        int rc = h.FileSystem.Create(Caller, Root, LoopbackHarness.Name("taken"), PosixConstants.O_RDWR | PosixConstants.O_EXCL, 0x1A4, 0, ref entry, ref open);
        Assert.Equal(-Errno.EEXIST, rc);
        Assert.Equal(0, h.FileSystem.OpenHandleCount);
    }

    [Fact]
    public void SetAttr_TruncatesChmodsAndSetsTimes_LeavingOmittedTimesAlone()
    {
        using var h = new LoopbackHarness();
        File.WriteAllBytes(h.PathOf("f"), new byte[10000]);
        File.SetLastAccessTimeUtc(h.PathOf("f"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        FuseEntryOut entry = h.Lookup("f");

        var set = new FuseSetAttrIn
        {
            Valid = (uint)(SetAttrValid.Size | SetAttrValid.Mode | SetAttrValid.Mtime),
            Size = 123,
            Mode = 0x180, // 0600
            Mtime = 1_000_000_000,
            MtimeNsec = 5,
        };
        FuseAttrOut attr = default;
        Assert.Equal(0, h.FileSystem.SetAttr(Caller, entry.NodeId, set, ref attr));

        Stat stat = LoopbackHarness.LStat(h.PathOf("f"));
        Assert.Equal(123, stat.Size);
        Assert.Equal(0x180u, stat.Mode & 0xFFF);
        Assert.Equal(1_000_000_000, stat.Mtime.Sec);
        Assert.Equal(5, stat.Mtime.Nsec);
        Assert.Equal(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), stat.Atime.Sec);
        Assert.Equal(123UL, attr.Attr.Size);
        Assert.Equal(stat.Mode, attr.Attr.Mode);
    }

    [Fact]
    public void Rename_HonoursNoReplaceAndExchange()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("a"), "A");
        File.WriteAllText(h.PathOf("b"), "B");
        byte[] a = LoopbackHarness.Name("a"), b = LoopbackHarness.Name("b"), c = LoopbackHarness.Name("c");

        Assert.Equal(-Errno.EEXIST, h.FileSystem.Rename(Caller, Root, a, Root, b, flags: 1));
        Assert.Equal(0, h.FileSystem.Rename(Caller, Root, a, Root, b, flags: 2));
        Assert.Equal("B", File.ReadAllText(h.PathOf("a")));
        Assert.Equal("A", File.ReadAllText(h.PathOf("b")));
        Assert.Equal(0, h.FileSystem.Rename(Caller, Root, a, Root, c, flags: 0));
        Assert.False(File.Exists(h.PathOf("a")));
        Assert.Equal("B", File.ReadAllText(h.PathOf("c")));
    }

    [Fact]
    public void Link_MapsBothNamesToOneNode_WithNlinkTwo()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("orig"), "x");
        FuseEntryOut orig = h.Lookup("orig");

        FuseEntryOut link = default;
        Assert.Equal(0, h.FileSystem.Link(Caller, orig.NodeId, Root, LoopbackHarness.Name("alias"), ref link));

        Assert.Equal(orig.NodeId, link.NodeId);
        Assert.Equal(2u, link.Attr.Nlink);
        Assert.Equal(orig.Attr.Ino, link.Attr.Ino);
        Assert.Equal(2UL, h.FileSystem.LookupCountOf(orig.NodeId));
        Assert.Equal(orig.NodeId, h.Lookup("alias").NodeId);
    }

    [Fact]
    public void Unlink_KeepsTheNodeUsableUntilForget()
    {
        using var h = new LoopbackHarness();
        (FuseEntryOut entry, ulong fh) = h.Create("doomed");
        Assert.Equal(0, h.FileSystem.Unlink(Caller, Root, LoopbackHarness.Name("doomed")));

        Assert.Equal(0u, h.GetAttr(entry.NodeId).Nlink);
        Assert.Equal(3, h.FileSystem.Write(Caller, entry.NodeId, fh, 0, "abc"u8, 0));
        h.FileSystem.Release(Caller, entry.NodeId, fh, 0);
        h.FileSystem.Forget(entry.NodeId, 1);
        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    [Fact]
    public void MkdirSymlinkMknod_CreateRealObjects()
    {
        using var h = new LoopbackHarness();
        FuseEntryOut dir = default, link = default, fifo = default;
        Assert.Equal(0, h.FileSystem.Mkdir(Caller, Root, LoopbackHarness.Name("d"), 0x1ED, 0, ref dir));
        Assert.Equal(0, h.FileSystem.Symlink(Caller, dir.NodeId, LoopbackHarness.Name("l"), LoopbackHarness.Name("../target"), ref link));
        Assert.Equal(0, h.FileSystem.Mknod(Caller, dir.NodeId, LoopbackHarness.Name("p"), 0x1000 | 0x1A4, 0, 0, ref fifo));

        Assert.True(Directory.Exists(h.PathOf("d")));
        Assert.Equal(PosixConstants.S_IFLNK, link.Attr.Mode & PosixConstants.S_IFMT);
        Assert.Equal(0x1000u, fifo.Attr.Mode & PosixConstants.S_IFMT);
        byte[] target = new byte[4096];
        int length = h.FileSystem.ReadLink(Caller, link.NodeId, target);
        Assert.Equal("../target", Encoding.UTF8.GetString(target, 0, length));

        Assert.Equal(-Errno.ENOTEMPTY, h.FileSystem.Rmdir(Caller, Root, LoopbackHarness.Name("d")));
        Assert.Equal(0, h.FileSystem.Unlink(Caller, dir.NodeId, LoopbackHarness.Name("l")));
        Assert.Equal(0, h.FileSystem.Unlink(Caller, dir.NodeId, LoopbackHarness.Name("p")));
        Assert.Equal(0, h.FileSystem.Rmdir(Caller, Root, LoopbackHarness.Name("d")));
        Assert.False(Directory.Exists(h.PathOf("d")));
    }

    [Fact]
    public void Link_OfASymlink_LinksTheSymlinkItself()
    {
        using var h = new LoopbackHarness();
        File.CreateSymbolicLink(h.PathOf("sym"), "nowhere");
        FuseEntryOut sym = h.Lookup("sym");
        FuseEntryOut link = default;
        Assert.Equal(0, h.FileSystem.Link(Caller, sym.NodeId, Root, LoopbackHarness.Name("sym2"), ref link));
        Assert.Equal(sym.NodeId, link.NodeId);
        Assert.Equal("nowhere", new FileInfo(h.PathOf("sym2")).LinkTarget);
    }

    [Fact]
    public void Xattrs_RoundTrip()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("x"), "");
        FuseEntryOut entry = h.Lookup("x");
        byte[] name = LoopbackHarness.Name("user.colour");

        Assert.Equal(0, h.FileSystem.SetXattr(Caller, entry.NodeId, name, "blue"u8, 0));
        Assert.Equal(-Errno.EEXIST, h.FileSystem.SetXattr(Caller, entry.NodeId, name, "red"u8, 1 /* XATTR_CREATE */));
        Assert.Equal(4, h.FileSystem.GetXattr(Caller, entry.NodeId, name, []));
        byte[] value = new byte[16];
        Assert.Equal(4, h.FileSystem.GetXattr(Caller, entry.NodeId, name, value));
        Assert.Equal("blue", Encoding.UTF8.GetString(value, 0, 4));
        Assert.Equal(-Errno.ERANGE, h.FileSystem.GetXattr(Caller, entry.NodeId, name, new byte[2]));

        byte[] list = new byte[256];
        int listLength = h.FileSystem.ListXattr(Caller, entry.NodeId, list);
        Assert.Contains("user.colour", Encoding.UTF8.GetString(list, 0, listLength).Split('\0'));

        Assert.Equal(0, h.FileSystem.RemoveXattr(Caller, entry.NodeId, name));
        Assert.Equal(-Errno.ENODATA, h.FileSystem.GetXattr(Caller, entry.NodeId, name, value));
    }

    [Fact]
    public void FallocateAndLseek_FindDataAndHoles()
    {
        using var h = new LoopbackHarness();
        (FuseEntryOut entry, ulong fh) = h.Create("sparse");
        const int SEEK_DATA = 3, SEEK_HOLE = 4, FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

        Assert.Equal(0, h.FileSystem.Fallocate(Caller, entry.NodeId, fh, 0, 1 << 20, 64 << 10));
        Assert.Equal((ulong)((1 << 20) + (64 << 10)), h.GetAttr(entry.NodeId, fh).Size);
        Assert.Equal(0, h.FileSystem.Fallocate(Caller, entry.NodeId, fh, FALLOC_FL_KEEP_SIZE, 4 << 20, 4096));
        Assert.Equal((ulong)((1 << 20) + (64 << 10)), h.GetAttr(entry.NodeId, fh).Size);

        Assert.Equal(4096, h.FileSystem.Write(Caller, entry.NodeId, fh, 1 << 20, new byte[4096].AsSpan(), 0));
        Assert.Equal(0, h.FileSystem.Lseek(Caller, entry.NodeId, fh, 0, SEEK_DATA, out long data));
        Assert.Equal(1 << 20, data);
        Assert.Equal(0, h.FileSystem.Lseek(Caller, entry.NodeId, fh, 0, SEEK_HOLE, out long hole));
        Assert.Equal(0, hole);

        Assert.Equal(0, h.FileSystem.Fallocate(Caller, entry.NodeId, fh, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 1 << 20, (1 << 20) + (64 << 10)));
        Assert.Equal(-Errno.ENXIO, h.FileSystem.Lseek(Caller, entry.NodeId, fh, 0, SEEK_DATA, out _));
        Assert.Equal(-Errno.EOPNOTSUPP, h.FileSystem.Fallocate(Caller, entry.NodeId, fh, FALLOC_FL_PUNCH_HOLE, 0, 4096));
    }

    [Fact]
    public void CopyFileRange_CopiesBetweenHandles()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("src"), "0123456789");
        FuseEntryOut src = h.Lookup("src");
        ulong srcFh = h.Open(src.NodeId, PosixConstants.O_RDONLY);
        (FuseEntryOut dst, ulong dstFh) = h.Create("dst");

        Assert.Equal(4, h.FileSystem.CopyFileRange(Caller, src.NodeId, srcFh, 3, dst.NodeId, dstFh, 2, 4, 0));

        Assert.Equal("\0\03456", File.ReadAllText(h.PathOf("dst")));
    }

    [Fact]
    public void StatFsAndSyncDir_ReportTheBackingFilesystem()
    {
        using var h = new LoopbackHarness();
        FuseKStatfs statfs = default;
        Assert.Equal(0, h.FileSystem.StatFs(Caller, Root, ref statfs));
        Assert.True(statfs.Blocks > 0 && statfs.Bsize > 0 && statfs.NameLen == 255);

        FuseOpenOut open = default;
        Assert.Equal(0, h.FileSystem.OpenDir(Caller, Root, 0, ref open));
        Assert.Equal(0, h.FileSystem.FsyncDir(Caller, Root, open.Fh, dataOnly: false));
        Assert.Equal(0, h.FileSystem.ReleaseDir(Caller, Root, open.Fh));
        Assert.Equal(0, h.FileSystem.Access(Caller, Root, 7));
    }

    [Fact]
    public void ReadDir_PagesThroughASmallBuffer_WithStableCookies()
    {
        using var h = new LoopbackHarness();
        var expected = new HashSet<string> { ".", ".." };
        for (int i = 0; i < 40; i++)
        {
            File.WriteAllText(h.PathOf($"file-{i:D2}"), "");
            expected.Add($"file-{i:D2}");
        }

        List<(string Name, ulong Ino, uint Type)> entries = ReadAll(h, plus: false, bufferSize: 200);

        Assert.Equal(expected.Order(), entries.Select(e => e.Name).Order());
        (string _, ulong ino, uint type) = entries.Single(e => e.Name == "file-07");
        Assert.Equal(LoopbackHarness.LStat(h.PathOf("file-07")).Ino, ino);
        Assert.Equal(8u, type); // DT_REG
        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    [Fact]
    public void ReadDirPlus_CountsOneLookupPerEntryWritten_AndForgetReleasesThem()
    {
        using var h = new LoopbackHarness();
        for (int i = 0; i < 25; i++)
        {
            File.WriteAllText(h.PathOf($"f{i}"), "");
        }

        List<(string Name, ulong Ino, uint Type, ulong NodeId)> entries = ReadAllPlus(h, bufferSize: 400);

        Assert.Equal(27, entries.Count);
        Assert.All(entries.Where(e => e.Name is "." or ".."), e => Assert.Equal(0UL, e.NodeId));
        var nodes = entries.Where(e => e.Name is not ("." or "..")).ToList();
        Assert.Equal(25, nodes.Select(e => e.NodeId).Distinct().Count());
        Assert.All(nodes, e => Assert.Equal(1UL, h.FileSystem.LookupCountOf(e.NodeId)));
        Assert.Equal(26, h.FileSystem.NodeCount);

        foreach ((string _, ulong _, uint _, ulong nodeId) in nodes)
        {
            h.FileSystem.Forget(nodeId, 1);
        }
        Assert.Equal(1, h.FileSystem.NodeCount);
    }

    [Fact]
    public void Forget_ClosesNodesAtZero_AndLeavesTheRoot()
    {
        using var h = new LoopbackHarness();
        File.WriteAllText(h.PathOf("a"), "");
        File.WriteAllText(h.PathOf("b"), "");
        FuseEntryOut a = h.Lookup("a");
        h.Lookup("a");
        FuseEntryOut b = h.Lookup("b");
        Assert.Equal(3, h.FileSystem.NodeCount);

        h.FileSystem.Forget(a.NodeId, 1);
        Assert.Equal(3, h.FileSystem.NodeCount);
        h.FileSystem.Forget(a.NodeId, 1);
        h.FileSystem.Forget(b.NodeId, 1);
        h.FileSystem.Forget(Root, 1);

        Assert.Equal(1, h.FileSystem.NodeCount);
        FuseAttrOut attr = default;
        Assert.Equal(-116 /* ESTALE */, h.FileSystem.GetAttr(Caller, a.NodeId, 0, ref attr));
        Assert.NotEqual(a.NodeId, h.Lookup("a").NodeId);
    }

    [Fact]
    public void KernelStructs_MatchGlibcLayoutOnX86_64()
    {
        Assert.Equal(144, Marshal.SizeOf<Stat>());
        Assert.Equal(8, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Ino)));
        Assert.Equal(24, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Mode)));
        Assert.Equal(40, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Rdev)));
        Assert.Equal(48, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Size)));
        Assert.Equal(64, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Blocks)));
        Assert.Equal(88, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Mtime)));
        Assert.Equal(104, (int)Marshal.OffsetOf<Stat>(nameof(Stat.Ctime)));
        Assert.Equal(120, Marshal.SizeOf<StatFs>());
        Assert.Equal(64, (int)Marshal.OffsetOf<StatFs>(nameof(StatFs.NameLength)));
        Assert.Equal(72, (int)Marshal.OffsetOf<StatFs>(nameof(StatFs.FragmentSize)));
    }

    private static List<(string Name, ulong Ino, uint Type)> ReadAll(LoopbackHarness h, bool plus, int bufferSize)
    {
        FuseOpenOut open = default;
        Assert.Equal(0, h.FileSystem.OpenDir(Caller, Root, 0, ref open));
        var result = new List<(string, ulong, uint)>();
        byte[] buffer = new byte[bufferSize];
        long offset = 0;
        while (true)
        {
            var writer = new DirectoryEntryWriter(buffer, plus);
            Assert.Equal(0, h.FileSystem.ReadDir(Caller, Root, open.Fh, offset, ref writer));
            if (writer.BytesWritten == 0)
            {
                break;
            }
            for (ReadOnlySpan<byte> records = buffer.AsSpan(0, writer.BytesWritten); !records.IsEmpty;)
            {
                ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(records);
                offset = BinaryPrimitives.ReadInt64LittleEndian(records[8..]);
                int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(records[16..]);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(records[20..]);
                result.Add((Encoding.UTF8.GetString(records.Slice(24, nameLength)), ino, type));
                records = records[((24 + nameLength + 7) & ~7)..];
            }
        }
        Assert.Equal(0, h.FileSystem.ReleaseDir(Caller, Root, open.Fh));
        return result;
    }

    private static List<(string Name, ulong Ino, uint Type, ulong NodeId)> ReadAllPlus(LoopbackHarness h, int bufferSize)
    {
        FuseOpenOut open = default;
        Assert.Equal(0, h.FileSystem.OpenDir(Caller, Root, 0, ref open));
        var result = new List<(string, ulong, uint, ulong)>();
        byte[] buffer = new byte[bufferSize];
        int entrySize = Marshal.SizeOf<FuseEntryOut>();
        long offset = 0;
        while (true)
        {
            var writer = new DirectoryEntryWriter(buffer, plus: true);
            Assert.Equal(0, h.FileSystem.ReadDir(Caller, Root, open.Fh, offset, ref writer));
            if (writer.BytesWritten == 0)
            {
                break;
            }
            for (ReadOnlySpan<byte> records = buffer.AsSpan(0, writer.BytesWritten); !records.IsEmpty;)
            {
                FuseEntryOut entry = MemoryMarshal.Read<FuseEntryOut>(records);
                ReadOnlySpan<byte> dirent = records[entrySize..];
                ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(dirent);
                offset = BinaryPrimitives.ReadInt64LittleEndian(dirent[8..]);
                int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(dirent[16..]);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(dirent[20..]);
                result.Add((Encoding.UTF8.GetString(dirent.Slice(24, nameLength)), ino, type, entry.NodeId));
                records = records[(entrySize + ((24 + nameLength + 7) & ~7))..];
            }
        }
        Assert.Equal(0, h.FileSystem.ReleaseDir(Caller, Root, open.Fh));
        return result;
    }
}
