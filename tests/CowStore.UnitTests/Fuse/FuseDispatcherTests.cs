using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CowStore.Fuse;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Kernel;
using CowStore.Fuse.Protocol;
using Xunit;

namespace CowStore.UnitTests.Fuse;

/// <summary>Hand-built requests through the dispatcher: parsing, reply framing and the error policy.</summary>
public sealed class FuseDispatcherTests
{
    private const ulong Unique = 0x1234;
    private readonly RecordingFileSystem _fs = new();
    private readonly StringWriter _log = new();
    private readonly FuseDispatcher _dispatcher;
    private readonly byte[] _reply = new byte[1 << 16];
    private int _destroys;

    public FuseDispatcherTests() => _dispatcher = new FuseDispatcher(_fs, new FuseLog(_log), () => _destroys++);

    private static byte[] Request<T>(FuseOpcode opcode, ulong node, T inStruct, params byte[][] tail)
        where T : unmanaged
    {
        int length = 40 + Unsafe.SizeOf<T>() + tail.Sum(t => t.Length);
        byte[] request = new byte[length];
        var header = new FuseInHeader { Len = (uint)length, Opcode = (uint)opcode, Unique = Unique, NodeId = node, Uid = 1000, Gid = 100, Pid = 42 };
        MemoryMarshal.Write(request, in header);
        MemoryMarshal.Write(request.AsSpan(40), in inStruct);
        int offset = 40 + Unsafe.SizeOf<T>();
        foreach (byte[] part in tail)
        {
            part.CopyTo(request, offset);
            offset += part.Length;
        }
        return request;
    }

    private static byte[] Request(FuseOpcode opcode, ulong node, params byte[][] tail)
    {
        byte[] withPrefix = Request(opcode, node, (byte)0, tail);
        byte[] request = [.. withPrefix[..40], .. withPrefix[41..]]; // drop the 1-byte placeholder struct
        BinaryPrimitives.WriteUInt32LittleEndian(request, (uint)request.Length);
        return request;
    }

    private static byte[] Z(string name) => [.. System.Text.Encoding.UTF8.GetBytes(name), 0];

    private (int Length, int Error) Handle(byte[] request)
    {
        int length = _dispatcher.Handle(request, _reply);
        if (length == 0)
        {
            return (0, 0);
        }
        Assert.Equal((uint)length, BinaryPrimitives.ReadUInt32LittleEndian(_reply));
        Assert.Equal(Unique, BinaryPrimitives.ReadUInt64LittleEndian(_reply.AsSpan(8)));
        return (length, BinaryPrimitives.ReadInt32LittleEndian(_reply.AsSpan(4)));
    }

    [Fact]
    public void LookupParsesNameAndRepliesEntry()
    {
        (int length, int error) = Handle(Request(FuseOpcode.Lookup, 1, Z("file.txt")));

        Assert.Equal(["Lookup 1 file.txt uid=1000"], _fs.Calls);
        Assert.Equal(0, error);
        Assert.Equal(16 + 128, length);
        Assert.Equal(99UL, BinaryPrimitives.ReadUInt64LittleEndian(_reply.AsSpan(16)));
    }

    [Fact]
    public void ErrorsAreHeaderOnly()
    {
        _fs.Result = -Errno.ENOENT;
        (int length, int error) = Handle(Request(FuseOpcode.Lookup, 1, Z("missing")));
        Assert.Equal(16, length);
        Assert.Equal(-Errno.ENOENT, error);
    }

    [Theory]
    [InlineData((int)FuseOpcode.Fsync)]
    [InlineData((int)FuseOpcode.FsyncDir)]
    public void EnosysFromFsyncBecomesEio(int opcodeNumber)
    {
        var opcode = (FuseOpcode)opcodeNumber;
        _fs.Result = -Errno.ENOSYS;
        (_, int error) = Handle(Request(opcode, 3, new FuseFsyncIn { Fh = 5, FsyncFlags = 1 }));
        Assert.Equal(-Errno.EIO, error);
        Assert.Contains("ENOSYS", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EnosysFromFlushBecomesEio()
    {
        _fs.Result = -Errno.ENOSYS;
        (_, int error) = Handle(Request(FuseOpcode.Flush, 3, new FuseFlushIn { Fh = 5 }));
        Assert.Equal(-Errno.EIO, error);
    }

    [Fact]
    public void FsyncPassesDatasyncBit()
    {
        Handle(Request(FuseOpcode.Fsync, 3, new FuseFsyncIn { Fh = 5, FsyncFlags = 1 }));
        Handle(Request(FuseOpcode.Fsync, 3, new FuseFsyncIn { Fh = 5, FsyncFlags = 0 }));
        Assert.Equal(["Fsync 3 fh=5 dataOnly=True", "Fsync 3 fh=5 dataOnly=False"], _fs.Calls);
    }

    [Fact]
    public void ThrowingHandlerIsLoggedAndAnsweredEio()
    {
        _fs.Throw = new InvalidOperationException("boom");
        (_, int error) = Handle(Request(FuseOpcode.GetAttr, 3, new FuseGetAttrIn()));
        Assert.Equal(-Errno.EIO, error);
        Assert.Contains("GetAttr (3) handler threw", _log.ToString(), StringComparison.Ordinal);
        Assert.Contains("boom", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetAttrPassesFhOnlyWithFlag()
    {
        Handle(Request(FuseOpcode.GetAttr, 3, new FuseGetAttrIn { Fh = 8 }));
        Handle(Request(FuseOpcode.GetAttr, 3, new FuseGetAttrIn { Fh = 8, GetAttrFlags = 1 }));
        Assert.Equal(["GetAttr 3 fh=0", "GetAttr 3 fh=8"], _fs.Calls);
    }

    [Fact]
    public void ForgetAndBatchForgetHaveNoReply()
    {
        Assert.Equal((0, 0), Handle(Request(FuseOpcode.Forget, 7, new FuseForgetIn { NLookup = 3 })));
        byte[] records = new byte[32];
        MemoryMarshal.Write(records, new FuseForgetOne { NodeId = 8, NLookup = 1 });
        MemoryMarshal.Write(records.AsSpan(16), new FuseForgetOne { NodeId = 9, NLookup = 2 });
        Assert.Equal((0, 0), Handle(Request(FuseOpcode.BatchForget, 0, new FuseBatchForgetIn { Count = 2 }, records)));
        Assert.Equal(["Forget 7 3", "Forget 8 1", "Forget 9 2"], _fs.Calls);
    }

    [Fact]
    public void WriteWithKillFlagDropsSetIdBitsFirst()
    {
        _fs.Mode = 0x8000 | 0xDED; // regular 06755
        Handle(Request(FuseOpcode.Write, 4, new FuseWriteIn { Fh = 6, Size = 1, WriteFlags = PrivilegeKill.WriteFlag }, [7]));
        Assert.Equal(["GetAttr 4 fh=6", "SetAttr 4 valid=1 size=0 mode=100755", "Write 4 fh=6 off=0 len=1"], _fs.Calls);
    }

    [Fact]
    public void WriteWithKillFlagLeavesPlainFilesAndLockingSgidAlone()
    {
        _fs.Mode = 0x8000 | 0x5A4; // regular 02644: set-group-ID without group execute marks mandatory locking
        Handle(Request(FuseOpcode.Write, 4, new FuseWriteIn { Fh = 6, Size = 1, WriteFlags = PrivilegeKill.WriteFlag }, [7]));
        Handle(Request(FuseOpcode.Write, 4, new FuseWriteIn { Fh = 6, Size = 1 }, [7]));
        Assert.Equal(["GetAttr 4 fh=6", "Write 4 fh=6 off=0 len=1", "Write 4 fh=6 off=0 len=1"], _fs.Calls);
    }

    [Fact]
    public void TruncateWithKillFlagAddsTheKilledMode()
    {
        _fs.Mode = 0x8000 | 0x9ED; // regular 04755
        uint valid = (uint)(SetAttrValid.Size | SetAttrValid.KillSuidGid);
        Handle(Request(FuseOpcode.SetAttr, 4, new FuseSetAttrIn { Valid = valid, Size = 10 }));
        Assert.Equal(["GetAttr 4 fh=0", $"SetAttr 4 valid={(uint)(SetAttrValid.Size | SetAttrValid.Mode)} size=10 mode=100755"], _fs.Calls);
    }

    [Fact]
    public void ChownWithKillFlagAlsoDropsTheFileCapability()
    {
        _fs.Mode = 0x8000 | 0x1ED; // regular 0755: nothing to kill in the mode
        uint valid = (uint)(SetAttrValid.Uid | SetAttrValid.KillSuidGid);
        Handle(Request(FuseOpcode.SetAttr, 4, new FuseSetAttrIn { Valid = valid, Uid = 7 }));
        Assert.Equal(["GetAttr 4 fh=0", "RemoveXattr security.capability", $"SetAttr 4 valid={(uint)SetAttrValid.Uid} size=0"], _fs.Calls);
    }

    [Fact]
    public void OpenWithKillFlagDropsSetIdBits()
    {
        _fs.Mode = 0x8000 | 0x9ED;
        Handle(Request(FuseOpcode.Open, 4, new FuseOpenIn { Flags = 0x201, OpenFlags = PrivilegeKill.OpenFlag }));
        Assert.Equal(["GetAttr 4 fh=0", "SetAttr 4 valid=1 size=0 mode=100755", "Open 4 flags=513"], _fs.Calls);
    }

    [Fact]
    public void WritePassesDataAndRepliesCount()
    {
        byte[] data = [1, 2, 3, 4, 5];
        (int length, int error) = Handle(Request(FuseOpcode.Write, 4, new FuseWriteIn { Fh = 6, Offset = 8192, Size = 5 }, data));
        Assert.Equal(0, error);
        Assert.Equal(16 + 8, length);
        Assert.Equal(5U, BinaryPrimitives.ReadUInt32LittleEndian(_reply.AsSpan(16)));
        Assert.Equal(data, _fs.LastData);
        Assert.Equal(["Write 4 fh=6 off=8192 len=5"], _fs.Calls);
    }

    [Fact]
    public void ReadRepliesDataAfterHeader()
    {
        (int length, int error) = Handle(Request(FuseOpcode.Read, 4, new FuseReadIn { Fh = 6, Offset = 100, Size = 4096 }));
        Assert.Equal(0, error);
        Assert.Equal(16 + 3, length);
        Assert.Equal("rrr"u8.ToArray(), _reply[16..19]);
        Assert.Equal(["Read 4 fh=6 off=100 len=4096"], _fs.Calls);
    }

    [Fact]
    public void NamesOfTwoNameOpcodesAreSplit()
    {
        Handle(Request(FuseOpcode.Rename2, 1, new FuseRename2In { NewDir = 2, Flags = 1 }, Z("old"), Z("new")));
        Handle(Request(FuseOpcode.Rename, 1, new FuseRenameIn { NewDir = 3 }, Z("a"), Z("b")));
        Handle(Request(FuseOpcode.Symlink, 1, Z("link"), Z("../target")));
        Handle(Request(FuseOpcode.Link, 2, new FuseLinkIn { OldNodeId = 9 }, Z("hard")));
        Assert.Equal(["Rename 1 old 2 new flags=1", "Rename 1 a 3 b flags=0", "Symlink 1 link -> ../target", "Link 9 2 hard"], _fs.Calls);
    }

    [Fact]
    public void MkdirGetsAFullDirectoryMode()
    {
        Handle(Request(FuseOpcode.Mkdir, 1, new FuseMkdirIn { Mode = 0x1ED, Umask = 0x12 }, Z("d")));
        Assert.Equal(["Mkdir 1 d 40755 umask=22"], _fs.Calls);
    }

    [Fact]
    public void CreateRepliesEntryAndOpen()
    {
        (int length, _) = Handle(Request(FuseOpcode.Create, 1, new FuseCreateIn { Flags = 0x41, Mode = 0x81A4 }, Z("new")));
        Assert.Equal(16 + 128 + 16, length);
        Assert.Equal(5UL, BinaryPrimitives.ReadUInt64LittleEndian(_reply.AsSpan(16)));
        Assert.Equal(77UL, BinaryPrimitives.ReadUInt64LittleEndian(_reply.AsSpan(16 + 128)));
    }

    [Fact]
    public void XattrSizeQueriesReplyGetxattrOut()
    {
        (int length, _) = Handle(Request(FuseOpcode.GetXattr, 1, new FuseGetXattrIn { Size = 0 }, Z("user.a")));
        Assert.Equal(16 + 8, length);
        Assert.Equal(11U, BinaryPrimitives.ReadUInt32LittleEndian(_reply.AsSpan(16)));

        (length, _) = Handle(Request(FuseOpcode.GetXattr, 1, new FuseGetXattrIn { Size = 64 }, Z("user.a")));
        Assert.Equal(16 + 11, length);

        (_, int error) = Handle(Request(FuseOpcode.GetXattr, 1, new FuseGetXattrIn { Size = 4 }, Z("user.a")));
        Assert.Equal(-Errno.ERANGE, error);

        Handle(Request(FuseOpcode.SetXattr, 1, new FuseSetXattrIn { Size = 2, Flags = 1 }, Z("user.b"), "v2"u8.ToArray()));
        Assert.Contains("SetXattr user.b=v2 flags=1", _fs.Calls);
    }

    [Fact]
    public void InterruptAndUnknownOpcodesGetEnosys()
    {
        (int length, int error) = Handle(Request(FuseOpcode.Interrupt, 0, new FuseInterruptIn { Unique = 9 }));
        Assert.Equal((16, -Errno.ENOSYS), (length, error));
        Assert.Empty(_log.ToString());

        Handle(Request(FuseOpcode.Ioctl, 1, new byte[32]));
        Handle(Request(FuseOpcode.Ioctl, 1, new byte[32]));
        Assert.Single(_log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Ioctl (39) is not supported", _log.ToString(), StringComparison.Ordinal);
        Assert.Empty(_fs.Calls);
    }

    [Fact]
    public void ReadDirRepliesPackedEntries()
    {
        (int length, _) = Handle(Request(FuseOpcode.ReadDirPlus, 1, new FuseReadIn { Size = 4096 }));
        Assert.Equal(16 + 128 + 32, length); // the fake adds one record without attributes
        Assert.Equal(["ReadDir 1 plus=True"], _fs.Calls);
    }

    [Fact]
    public void LseekAndCopyFileRangeReplies()
    {
        (int length, _) = Handle(Request(FuseOpcode.Lseek, 1, new FuseLseekIn { Offset = 10, Whence = 3 }));
        Assert.Equal(16 + 8, length);
        Assert.Equal(11UL, BinaryPrimitives.ReadUInt64LittleEndian(_reply.AsSpan(16)));

        (length, _) = Handle(Request(FuseOpcode.CopyFileRange, 1, new FuseCopyFileRangeIn { NodeIdOut = 2, Len = 4096 }));
        Assert.Equal(16 + 8, length);
        Assert.Equal(4096U, BinaryPrimitives.ReadUInt32LittleEndian(_reply.AsSpan(16)));
    }

    [Fact]
    public void TruncatedRequestIsEioNotACrash()
    {
        byte[] request = Request(FuseOpcode.Write, 1, new FuseWriteIn { Size = 5 });
        (_, int error) = Handle(request[..50]);
        Assert.Equal(-Errno.EIO, error);
    }

    [Fact]
    public void HotPathOpcodesDoNotAllocate()
    {
        _fs.Silent = true;
        byte[][] requests =
        [
            Request(FuseOpcode.Lookup, 1, Z("file")),
            Request(FuseOpcode.GetAttr, 2, new FuseGetAttrIn { GetAttrFlags = 1, Fh = 3 }),
            Request(FuseOpcode.Read, 2, new FuseReadIn { Fh = 3, Size = 8192 }),
            Request(FuseOpcode.Write, 2, new FuseWriteIn { Fh = 3, Size = 8192 }, new byte[8192]),
            Request(FuseOpcode.Write, 2, new FuseWriteIn { Fh = 3, Size = 8192, WriteFlags = PrivilegeKill.WriteFlag }, new byte[8192]),
            Request(FuseOpcode.Flush, 2, new FuseFlushIn { Fh = 3 }),
            Request(FuseOpcode.Fsync, 2, new FuseFsyncIn { Fh = 3 }),
        ];
        foreach (byte[] request in requests)
        {
            Assert.True(_dispatcher.Handle(request, _reply) > 0);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            foreach (byte[] request in requests)
            {
                _dispatcher.Handle(request, _reply);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DestroyIsForwarded()
    {
        Handle(Request(FuseOpcode.Destroy, 0));
        Assert.Equal(1, _destroys);
    }
}
