using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Interop.Uring;
using CowStore.Fuse.Kernel;
using CowStore.Fuse.Protocol;
using Xunit;

namespace CowStore.UnitTests.Fuse;

/// <summary>
/// Compiles a C program against the system's &lt;linux/fuse.h&gt; and compares every struct size and field
/// offset with our C# mirrors. Debian's header is protocol 7.38: newer fields are checked against the
/// older field that occupied their place (e.g. <c>fuse_open_out.backing_id</c> was <c>padding</c>).
/// </summary>
public sealed class KernelStructLayoutTests
{
    private sealed record Layout(string CStruct, Type Type, (string CsField, string COffset)[] Fields, string? CSize = null);

    private static (string, string) F(string csField, string cField) => (csField, cField);

    private static readonly Layout[] Layouts =
    [
        new("fuse_attr", typeof(FuseAttr), [F("Ino", "ino"), F("Size", "size"), F("Blocks", "blocks"), F("Atime", "atime"), F("Mtime", "mtime"), F("Ctime", "ctime"),
            F("AtimeNsec", "atimensec"), F("MtimeNsec", "mtimensec"), F("CtimeNsec", "ctimensec"), F("Mode", "mode"), F("Nlink", "nlink"), F("Uid", "uid"), F("Gid", "gid"),
            F("Rdev", "rdev"), F("BlkSize", "blksize"), F("Flags", "flags")]),
        new("fuse_attr_out", typeof(FuseAttrOut), [F("AttrValid", "attr_valid"), F("AttrValidNsec", "attr_valid_nsec"), F("Dummy", "dummy"), F("Attr", "attr")]),
        new("fuse_entry_out", typeof(FuseEntryOut), [F("NodeId", "nodeid"), F("Generation", "generation"), F("EntryValid", "entry_valid"), F("AttrValid", "attr_valid"),
            F("EntryValidNsec", "entry_valid_nsec"), F("AttrValidNsec", "attr_valid_nsec"), F("Attr", "attr")]),
        new("fuse_kstatfs", typeof(FuseKStatfs), [F("Blocks", "blocks"), F("Bfree", "bfree"), F("Bavail", "bavail"), F("Files", "files"), F("Ffree", "ffree"),
            F("Bsize", "bsize"), F("NameLen", "namelen"), F("Frsize", "frsize"), F("Padding", "padding"), F("Spare0", "spare")]),
        new("fuse_open_out", typeof(FuseOpenOut), [F("Fh", "fh"), F("OpenFlags", "open_flags"), F("BackingId", "padding" /* backing_id since 7.40 */)]),
        new("fuse_setattr_in", typeof(FuseSetAttrIn), [F("Valid", "valid"), F("Padding", "padding"), F("Fh", "fh"), F("Size", "size"), F("LockOwner", "lock_owner"),
            F("Atime", "atime"), F("Mtime", "mtime"), F("Ctime", "ctime"), F("AtimeNsec", "atimensec"), F("MtimeNsec", "mtimensec"), F("CtimeNsec", "ctimensec"),
            F("Mode", "mode"), F("Unused4", "unused4"), F("Uid", "uid"), F("Gid", "gid"), F("Unused5", "unused5")]),
        new("fuse_in_header", typeof(FuseInHeader), [F("Len", "len"), F("Opcode", "opcode"), F("Unique", "unique"), F("NodeId", "nodeid"), F("Uid", "uid"),
            F("Gid", "gid"), F("Pid", "pid"), F("TotalExtLen", "total_extlen"), F("Padding", "padding")]),
        new("fuse_out_header", typeof(FuseOutHeader), [F("Len", "len"), F("Error", "error"), F("Unique", "unique")]),
        new("fuse_init_in", typeof(FuseInitIn), [F("Major", "major"), F("Minor", "minor"), F("MaxReadahead", "max_readahead"), F("Flags", "flags"),
            F("Flags2", "flags2"), F("Unused", "unused")]),
        new("fuse_init_out", typeof(FuseInitOut), [F("Major", "major"), F("Minor", "minor"), F("MaxReadahead", "max_readahead"), F("Flags", "flags"),
            F("MaxBackground", "max_background"), F("CongestionThreshold", "congestion_threshold"), F("MaxWrite", "max_write"), F("TimeGran", "time_gran"),
            F("MaxPages", "max_pages"), F("MapAlignment", "map_alignment"), F("Flags2", "flags2"),
            F("MaxStackDepth", "unused" /* max_stack_depth since 7.40 */)]),
        new("fuse_read_in", typeof(FuseReadIn), [F("Fh", "fh"), F("Offset", "offset"), F("Size", "size"), F("ReadFlags", "read_flags"), F("LockOwner", "lock_owner"),
            F("Flags", "flags"), F("Padding", "padding")]),
        new("fuse_write_in", typeof(FuseWriteIn), [F("Fh", "fh"), F("Offset", "offset"), F("Size", "size"), F("WriteFlags", "write_flags"), F("LockOwner", "lock_owner"),
            F("Flags", "flags"), F("Padding", "padding")]),
        new("fuse_write_out", typeof(FuseWriteOut), [F("Size", "size"), F("Padding", "padding")]),
        new("fuse_getattr_in", typeof(FuseGetAttrIn), [F("GetAttrFlags", "getattr_flags"), F("Dummy", "dummy"), F("Fh", "fh")]),
        new("fuse_mknod_in", typeof(FuseMknodIn), [F("Mode", "mode"), F("Rdev", "rdev"), F("Umask", "umask"), F("Padding", "padding")]),
        new("fuse_mkdir_in", typeof(FuseMkdirIn), [F("Mode", "mode"), F("Umask", "umask")]),
        new("fuse_create_in", typeof(FuseCreateIn), [F("Flags", "flags"), F("Mode", "mode"), F("Umask", "umask"), F("OpenFlags", "open_flags")]),
        new("fuse_open_in", typeof(FuseOpenIn), [F("Flags", "flags"), F("OpenFlags", "open_flags")]),
        new("fuse_rename_in", typeof(FuseRenameIn), [F("NewDir", "newdir")]),
        new("fuse_rename2_in", typeof(FuseRename2In), [F("NewDir", "newdir"), F("Flags", "flags"), F("Padding", "padding")]),
        new("fuse_link_in", typeof(FuseLinkIn), [F("OldNodeId", "oldnodeid")]),
        new("fuse_release_in", typeof(FuseReleaseIn), [F("Fh", "fh"), F("Flags", "flags"), F("ReleaseFlags", "release_flags"), F("LockOwner", "lock_owner")]),
        new("fuse_flush_in", typeof(FuseFlushIn), [F("Fh", "fh"), F("Unused", "unused"), F("Padding", "padding"), F("LockOwner", "lock_owner")]),
        new("fuse_fsync_in", typeof(FuseFsyncIn), [F("Fh", "fh"), F("FsyncFlags", "fsync_flags"), F("Padding", "padding")]),
        new("fuse_fallocate_in", typeof(FuseFallocateIn), [F("Fh", "fh"), F("Offset", "offset"), F("Length", "length"), F("Mode", "mode"), F("Padding", "padding")]),
        new("fuse_lseek_in", typeof(FuseLseekIn), [F("Fh", "fh"), F("Offset", "offset"), F("Whence", "whence"), F("Padding", "padding")]),
        new("fuse_lseek_out", typeof(FuseLseekOut), [F("Offset", "offset")]),
        // Without FUSE_SETXATTR_EXT the kernel sends the 8-byte compat prefix of fuse_setxattr_in.
        new("fuse_setxattr_in", typeof(FuseSetXattrIn), [F("Size", "size"), F("Flags", "flags")], CSize: "FUSE_COMPAT_SETXATTR_IN_SIZE"),
        new("fuse_getxattr_in", typeof(FuseGetXattrIn), [F("Size", "size"), F("Padding", "padding")]),
        new("fuse_getxattr_out", typeof(FuseGetXattrOut), [F("Size", "size"), F("Padding", "padding")]),
        new("fuse_access_in", typeof(FuseAccessIn), [F("Mask", "mask"), F("Padding", "padding")]),
        new("fuse_forget_in", typeof(FuseForgetIn), [F("NLookup", "nlookup")]),
        new("fuse_forget_one", typeof(FuseForgetOne), [F("NodeId", "nodeid"), F("NLookup", "nlookup")]),
        new("fuse_batch_forget_in", typeof(FuseBatchForgetIn), [F("Count", "count"), F("Dummy", "dummy")]),
        new("fuse_interrupt_in", typeof(FuseInterruptIn), [F("Unique", "unique")]),
        new("fuse_copy_file_range_in", typeof(FuseCopyFileRangeIn), [F("FhIn", "fh_in"), F("OffIn", "off_in"), F("NodeIdOut", "nodeid_out"), F("FhOut", "fh_out"),
            F("OffOut", "off_out"), F("Len", "len"), F("Flags", "flags")]),
        new("fuse_notify_inval_inode_out", typeof(FuseNotifyInvalInodeOut), [F("Ino", "ino"), F("Off", "off"), F("Len", "len")]),
        new("fuse_notify_inval_entry_out", typeof(FuseNotifyInvalEntryOut), [F("Parent", "parent"), F("NameLen", "namelen"), F("Flags", "flags")]),
        // io_uring (Debian's header is Linux 6.1: user_addr was resv2 until 6.5).
        new("io_uring_params", typeof(IoUringParams), [F("SqEntries", "sq_entries"), F("CqEntries", "cq_entries"), F("Flags", "flags"), F("SqThreadCpu", "sq_thread_cpu"),
            F("SqThreadIdle", "sq_thread_idle"), F("Features", "features"), F("WqFd", "wq_fd"), F("Resv0", "resv"), F("SqOff", "sq_off"), F("CqOff", "cq_off")]),
        new("io_sqring_offsets", typeof(IoSqringOffsets), [F("Head", "head"), F("Tail", "tail"), F("RingMask", "ring_mask"), F("RingEntries", "ring_entries"),
            F("Flags", "flags"), F("Dropped", "dropped"), F("Array", "array"), F("Resv1", "resv1"), F("UserAddr", "resv2")]),
        new("io_cqring_offsets", typeof(IoCqringOffsets), [F("Head", "head"), F("Tail", "tail"), F("RingMask", "ring_mask"), F("RingEntries", "ring_entries"),
            F("Overflow", "overflow"), F("Cqes", "cqes"), F("Flags", "flags"), F("Resv1", "resv1"), F("UserAddr", "resv2")]),
        new("io_uring_cqe", typeof(IoUringCqe), [F("UserData", "user_data"), F("Res", "res"), F("Flags", "flags")]),
        // Our SQE is the 128-byte slot of an IORING_SETUP_SQE128 ring: two C SQEs.
        new("io_uring_sqe", typeof(IoUringSqe), [F("Opcode", "opcode"), F("Flags", "flags"), F("IoPrio", "ioprio"), F("Fd", "fd"), F("CmdOp", "cmd_op"),
            F("Pad1", "__pad1"), F("Addr", "addr"), F("Len", "len"), F("UringCmdFlags", "uring_cmd_flags"), F("UserData", "user_data")],
            CSize: "2 * sizeof(struct io_uring_sqe)"),
    ];

    [Fact]
    public void StructsMatchLinuxFuseHeader()
    {
        Dictionary<string, long> c = RunC(BuildProgram());
        var mismatches = new List<string>();
        foreach (Layout layout in Layouts)
        {
            Check(mismatches, c, layout.CStruct, Marshal.SizeOf(layout.Type));
            Check(mismatches, c, layout.CStruct + "#blittable", SizeOfBlittable(layout.Type));
            foreach ((string csField, string cField) in layout.Fields)
            {
                Check(mismatches, c, $"{layout.CStruct}.{cField}", Marshal.OffsetOf(layout.Type, csField).ToInt64());
            }
        }
        Assert.Empty(mismatches);
        // Every struct and field was printed: a typo in the table would otherwise be checked against nothing.
        Assert.Equal(Layouts.Sum(layout => 2 + layout.Fields.Length), c.Keys.Count(key => !key.StartsWith('#')));
    }

    [Fact]
    public void BackingMapMatchesTheIoctlSize()
    {
        // fuse_backing_map (7.40) is missing from a 7.38 header; _IOW encodes its size in the ioctl number.
        Assert.Equal((int)((DeviceIoctl.BackingOpen >> 16) & 0x3FFF), Marshal.SizeOf<FuseBackingMap>());
        Assert.Equal(0, Marshal.OffsetOf<FuseBackingMap>(nameof(FuseBackingMap.Fd)).ToInt32());
        Assert.Equal(4, Marshal.OffsetOf<FuseBackingMap>(nameof(FuseBackingMap.Flags)).ToInt32());
        Assert.Equal(8, Marshal.OffsetOf<FuseBackingMap>(nameof(FuseBackingMap.Padding)).ToInt32());
        Assert.Equal(4, (int)((DeviceIoctl.BackingClose >> 16) & 0x3FFF));
    }

    [Fact]
    public void ConstantsMatchLinuxFuseHeader()
    {
        Dictionary<string, long> c = RunC(BuildProgram());
        Assert.Equal(DeviceIoctl.Clone, (uint)c["#FUSE_DEV_IOC_CLONE"]);
        Assert.Equal(24, c["#FUSE_NAME_OFFSET"]);
        Assert.Equal(Marshal.SizeOf<FuseEntryOut>() + 24, c["#FUSE_NAME_OFFSET_DIRENTPLUS"]);
        foreach (FuseOpcode opcode in Enum.GetValues<FuseOpcode>().Where(op => (uint)op <= 51))
        {
            Assert.Equal((long)opcode, c[$"#op.{opcode}"]);
        }
        foreach ((string macro, FuseInitFlags flag) in InitFlagMacros)
        {
            if (c.TryGetValue($"#{macro}", out long value))
            {
                Assert.True((ulong)value == (ulong)flag, $"{macro}: header {value:x}, ours {(ulong)flag:x}");
            }
        }
        Assert.True(c.ContainsKey("#FUSE_INIT_EXT"));

        Assert.Equal(IoUringSqe.OpUringCmd, c["#IORING_OP_URING_CMD"]);
        Assert.Equal(IoUringSqe.CommandOffset, c["#sqe.cmd"]);
        Assert.Equal(IoUringParams.SetupSqe128, c["#IORING_SETUP_SQE128"]);
        Assert.Equal(IoUringParams.FeatureSingleMmap, c["#IORING_FEAT_SINGLE_MMAP"]);
        Assert.Equal(IoUringParams.OffsetSqRing, c["#IORING_OFF_SQ_RING"]);
        Assert.Equal(IoUringParams.OffsetCqRing, c["#IORING_OFF_CQ_RING"]);
        Assert.Equal(IoUringParams.OffsetSqes, c["#IORING_OFF_SQES"]);
        Assert.Equal(IoUringParams.EnterGetEvents, c["#IORING_ENTER_GETEVENTS"]);
    }

    [Fact]
    public void FuseOverIoUringStructsMatchTheKernelAbi()
    {
        // Linux 6.14's <linux/fuse.h> (protocol 7.42), newer than Debian's header: the values are the kernel's.
        Assert.Equal(41, System.Numerics.BitOperations.TrailingZeroCount((ulong)FuseInitFlags.OverIoUring));
        Assert.Equal(288, FuseUringReqHeader.Size);
        Assert.Equal(FuseUringReqHeader.Size, FuseUringReqHeader.EntInOutOffset + Marshal.SizeOf<FuseUringEntInOut>());
        Assert.Equal(128, FuseUringReqHeader.OpInOffset);
        Assert.Equal(8, Marshal.OffsetOf<FuseUringEntInOut>(nameof(FuseUringEntInOut.CommitId)).ToInt32());
        Assert.Equal(16, Marshal.OffsetOf<FuseUringEntInOut>(nameof(FuseUringEntInOut.PayloadSize)).ToInt32());
        Assert.Equal(24, Marshal.SizeOf<FuseUringCmdReq>());
        Assert.Equal(8, Marshal.OffsetOf<FuseUringCmdReq>(nameof(FuseUringCmdReq.CommitId)).ToInt32());
        Assert.Equal(16, Marshal.OffsetOf<FuseUringCmdReq>(nameof(FuseUringCmdReq.QueueId)).ToInt32());
        // The command area of a 128-byte SQE is 80 bytes.
        Assert.True(Marshal.SizeOf<FuseUringCmdReq>() <= IoUringSqe.Size - IoUringSqe.CommandOffset);
    }

    private static readonly (string Name, string Expression)[] IoUringConstants =
    [
        ("IORING_OP_URING_CMD", "IORING_OP_URING_CMD"), ("sqe.cmd", "offsetof(struct io_uring_sqe, cmd)"),
        ("IORING_SETUP_SQE128", "IORING_SETUP_SQE128"), ("IORING_FEAT_SINGLE_MMAP", "IORING_FEAT_SINGLE_MMAP"),
        ("IORING_OFF_SQ_RING", "IORING_OFF_SQ_RING"), ("IORING_OFF_CQ_RING", "IORING_OFF_CQ_RING"), ("IORING_OFF_SQES", "IORING_OFF_SQES"),
        ("IORING_ENTER_GETEVENTS", "IORING_ENTER_GETEVENTS"),
    ];

    private static readonly (string Macro, FuseInitFlags Flag)[] InitFlagMacros =
    [
        ("FUSE_ASYNC_READ", FuseInitFlags.AsyncRead), ("FUSE_POSIX_LOCKS", FuseInitFlags.PosixLocks), ("FUSE_ATOMIC_O_TRUNC", FuseInitFlags.AtomicOTrunc),
        ("FUSE_BIG_WRITES", FuseInitFlags.BigWrites), ("FUSE_FLOCK_LOCKS", FuseInitFlags.FlockLocks), ("FUSE_AUTO_INVAL_DATA", FuseInitFlags.AutoInvalData),
        ("FUSE_DO_READDIRPLUS", FuseInitFlags.DoReaddirplus), ("FUSE_READDIRPLUS_AUTO", FuseInitFlags.ReaddirplusAuto), ("FUSE_ASYNC_DIO", FuseInitFlags.AsyncDio),
        ("FUSE_WRITEBACK_CACHE", FuseInitFlags.WritebackCache), ("FUSE_PARALLEL_DIROPS", FuseInitFlags.ParallelDirops), ("FUSE_MAX_PAGES", FuseInitFlags.MaxPages),
        ("FUSE_EXPLICIT_INVAL_DATA", FuseInitFlags.ExplicitInvalData), ("FUSE_HANDLE_KILLPRIV_V2", FuseInitFlags.HandleKillprivV2),
        ("FUSE_SETXATTR_EXT", FuseInitFlags.SetxattrExt), ("FUSE_INIT_EXT", FuseInitFlags.InitExt), ("FUSE_SECURITY_CTX", FuseInitFlags.SecurityCtx),
        ("FUSE_CREATE_SUPP_GROUP", FuseInitFlags.CreateSuppGroup), ("FUSE_DIRECT_IO_ALLOW_MMAP", FuseInitFlags.DirectIoAllowMmap),
        ("FUSE_PASSTHROUGH", FuseInitFlags.Passthrough),
    ];

    private static string BuildProgram()
    {
        var program = new StringBuilder("""
            #include <linux/fuse.h>
            #include <linux/io_uring.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/ioctl.h>
            int main(void) {

            """);
        foreach (Layout layout in Layouts)
        {
            string size = layout.CSize ?? $"sizeof(struct {layout.CStruct})";
            program.AppendLine(CultureInfo.InvariantCulture, $"printf(\"{layout.CStruct} %zu\\n\", (size_t)({size}));");
            program.AppendLine(CultureInfo.InvariantCulture, $"printf(\"{layout.CStruct}#blittable %zu\\n\", (size_t)({size}));");
            foreach ((_, string cField) in layout.Fields)
            {
                program.AppendLine(CultureInfo.InvariantCulture, $"printf(\"{layout.CStruct}.{cField} %zu\\n\", offsetof(struct {layout.CStruct}, {cField}));");
            }
        }
        program.AppendLine("printf(\"#FUSE_DEV_IOC_CLONE %lu\\n\", (unsigned long)FUSE_DEV_IOC_CLONE);");
        foreach ((string name, string expression) in IoUringConstants)
        {
            program.AppendLine(CultureInfo.InvariantCulture, $"printf(\"#{name} %llu\\n\", (unsigned long long)({expression}));");
        }
        program.AppendLine("printf(\"#FUSE_NAME_OFFSET %zu\\n\", (size_t)FUSE_NAME_OFFSET);");
        program.AppendLine("printf(\"#FUSE_NAME_OFFSET_DIRENTPLUS %zu\\n\", (size_t)FUSE_NAME_OFFSET_DIRENTPLUS);");
        foreach (FuseOpcode opcode in Enum.GetValues<FuseOpcode>().Where(op => (uint)op <= 51))
        {
            program.AppendLine(CultureInfo.InvariantCulture, $"printf(\"#op.{opcode} %d\\n\", (int)FUSE_{CName(opcode)});");
        }
        foreach ((string macro, _) in InitFlagMacros)
        {
            program.AppendLine(CultureInfo.InvariantCulture, $"#ifdef {macro}\nprintf(\"#{macro} %llu\\n\", (unsigned long long){macro});\n#endif");
        }
        program.AppendLine("return 0; }");
        return program.ToString();
    }

    /// <summary>FUSE_* opcode names: ours are PascalCase of the C names, with a few spelled apart.</summary>
    private static string CName(FuseOpcode opcode) => opcode switch
    {
        FuseOpcode.GetAttr => "GETATTR",
        FuseOpcode.SetAttr => "SETATTR",
        FuseOpcode.ReadLink => "READLINK",
        FuseOpcode.StatFs => "STATFS",
        FuseOpcode.SetXattr => "SETXATTR",
        FuseOpcode.GetXattr => "GETXATTR",
        FuseOpcode.ListXattr => "LISTXATTR",
        FuseOpcode.RemoveXattr => "REMOVEXATTR",
        FuseOpcode.OpenDir => "OPENDIR",
        FuseOpcode.ReadDir => "READDIR",
        FuseOpcode.ReleaseDir => "RELEASEDIR",
        FuseOpcode.FsyncDir => "FSYNCDIR",
        FuseOpcode.GetLk => "GETLK",
        FuseOpcode.SetLk => "SETLK",
        FuseOpcode.SetLkw => "SETLKW",
        FuseOpcode.NotifyReply => "NOTIFY_REPLY",
        FuseOpcode.BatchForget => "BATCH_FORGET",
        FuseOpcode.ReadDirPlus => "READDIRPLUS",
        FuseOpcode.CopyFileRange => "COPY_FILE_RANGE",
        FuseOpcode.SetupMapping => "SETUPMAPPING",
        FuseOpcode.RemoveMapping => "REMOVEMAPPING",
        FuseOpcode.SyncFs => "SYNCFS",
        FuseOpcode.TmpFile => "TMPFILE",
        _ => opcode.ToString().ToUpperInvariant(),
    };

    private static void Check(List<string> mismatches, Dictionary<string, long> c, string key, long ours)
    {
        if (!c.TryGetValue(key, out long expected))
        {
            mismatches.Add($"{key}: not printed by the C program");
        }
        else if (expected != ours)
        {
            mismatches.Add($"{key}: C {expected}, C# {ours}");
        }
    }

    private static int SizeOfBlittable(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static Dictionary<string, long> RunC(string source)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cowstore-tests", $"{nameof(KernelStructLayoutTests)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string sourcePath = Path.Combine(directory, "layout.c");
            string binary = Path.Combine(directory, "layout");
            File.WriteAllText(sourcePath, source);
            // No cc means the check cannot run: fail loudly rather than pass untested.
            Run("cc", ["-std=c11", "-Wall", "-Werror", "-o", binary, sourcePath]);
            string output = Run(binary, []);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => (long)ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {error.Result}");
        return output;
    }
}
