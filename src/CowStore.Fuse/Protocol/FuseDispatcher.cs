using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Kernel;
using static CowStore.Fuse.Protocol.RequestArgs;

namespace CowStore.Fuse.Protocol;

/// <summary>
/// Parses one request, calls the filesystem and builds the reply in place. Stateless and shared by all
/// reader threads; allocates nothing on the data and metadata hot paths.
/// </summary>
/// <param name="connection">For notifications the dispatcher sends itself (see <see cref="PrivilegeKill"/>); null in unit tests.</param>
internal sealed class FuseDispatcher(IFuseFileSystem fileSystem, FuseLog log, Action onDestroy, FuseConnection? connection = null)
{
    public const int InHeaderSize = 40;
    public const int OutHeaderSize = 16;

    /// <summary>Returned by a handler for opcodes the kernel expects no reply to.</summary>
    private const int NoReply = int.MinValue;

    // PATH_MAX: the kernel reads a symlink target into one page.
    private const int MaxLinkLength = 4096;

    private const uint GetAttrFh = 1;
    private const uint FsyncDataSync = 1;
    private const uint DirectoryMode = 0x4000;

    private readonly IFuseFileSystem _fs = fileSystem;

    /// <summary>Handles <paramref name="request"/>; returns the reply length in <paramref name="reply"/>, 0 for none.</summary>
    public int Handle(ReadOnlySpan<byte> request, Span<byte> reply)
    {
        ref readonly FuseInHeader header = ref MemoryMarshal.AsRef<FuseInHeader>(request);
        int length = (int)Math.Clamp(header.Len, (uint)InHeaderSize, (uint)request.Length);
        ReadOnlySpan<byte> args = request[InHeaderSize..length];
        Span<byte> body = reply[OutHeaderSize..];

        int result;
        try
        {
            result = Dispatch(in header, args, body);
        }
        catch (Exception exception)
        {
            log.HandlerFailed(header.Opcode, exception);
            result = -Errno.EIO;
        }

        if (result == NoReply)
        {
            return 0;
        }
        ref FuseOutHeader outHeader = ref MemoryMarshal.AsRef<FuseOutHeader>(reply);
        outHeader.Unique = header.Unique;
        if (result < 0)
        {
            outHeader.Error = result;
            outHeader.Len = OutHeaderSize;
        }
        else
        {
            outHeader.Error = 0;
            outHeader.Len = (uint)(OutHeaderSize + result);
        }
        return (int)outHeader.Len;
    }

    /// <summary>Returns the reply body length, -errno, or <see cref="NoReply"/>.</summary>
    private int Dispatch(in FuseInHeader header, ReadOnlySpan<byte> args, Span<byte> body)
    {
        var request = new FuseRequest(header.Unique, header.Uid, header.Gid, header.Pid);
        ulong node = header.NodeId;
        switch ((FuseOpcode)header.Opcode)
        {
            case FuseOpcode.Lookup:
                return Lookup(in request, node, args, body);
            case FuseOpcode.Forget:
                _fs.Forget(node, In<FuseForgetIn>(args).NLookup);
                return NoReply;
            case FuseOpcode.BatchForget:
                return BatchForget(args);
            case FuseOpcode.GetAttr:
                return GetAttr(in request, node, args, body);
            case FuseOpcode.SetAttr:
                return SetAttr(in request, node, args, body);
            case FuseOpcode.ReadLink:
                return ReadLink(in request, node, body);
            case FuseOpcode.Symlink:
                return Symlink(in request, node, args, body);
            case FuseOpcode.Mknod:
                return Mknod(in request, node, args, body);
            case FuseOpcode.Mkdir:
                return Mkdir(in request, node, args, body);
            case FuseOpcode.Unlink:
                return Status(_fs.Unlink(in request, node, Name(args, out _)));
            case FuseOpcode.Rmdir:
                return Status(_fs.Rmdir(in request, node, Name(args, out _)));
            case FuseOpcode.Rename:
                return Rename(in request, node, In<FuseRenameIn>(args).NewDir, 0, After<FuseRenameIn>(args));
            case FuseOpcode.Rename2:
                ref readonly FuseRename2In rename2 = ref In<FuseRename2In>(args);
                return Rename(in request, node, rename2.NewDir, rename2.Flags, After<FuseRename2In>(args));
            case FuseOpcode.Link:
                return Link(in request, node, args, body);
            case FuseOpcode.Open:
                return Open(in request, node, args, body, directory: false);
            case FuseOpcode.OpenDir:
                return Open(in request, node, args, body, directory: true);
            case FuseOpcode.Create:
                return Create(in request, node, args, body);
            case FuseOpcode.Read:
                return Read(in request, node, args, body);
            case FuseOpcode.Write:
                return Write(in request, node, args, body);
            case FuseOpcode.Flush:
                ref readonly FuseFlushIn flush = ref In<FuseFlushIn>(args);
                return Durable(header.Opcode, _fs.Flush(in request, node, flush.Fh, flush.LockOwner));
            case FuseOpcode.Release:
                ref readonly FuseReleaseIn release = ref In<FuseReleaseIn>(args);
                return Status(_fs.Release(in request, node, release.Fh, (int)release.Flags));
            case FuseOpcode.ReleaseDir:
                return Status(_fs.ReleaseDir(in request, node, In<FuseReleaseIn>(args).Fh));
            case FuseOpcode.Fsync:
                ref readonly FuseFsyncIn fsync = ref In<FuseFsyncIn>(args);
                return Durable(header.Opcode, _fs.Fsync(in request, node, fsync.Fh, (fsync.FsyncFlags & FsyncDataSync) != 0));
            case FuseOpcode.FsyncDir:
                ref readonly FuseFsyncIn fsyncDir = ref In<FuseFsyncIn>(args);
                return Durable(header.Opcode, _fs.FsyncDir(in request, node, fsyncDir.Fh, (fsyncDir.FsyncFlags & FsyncDataSync) != 0));
            case FuseOpcode.ReadDir:
                return ReadDir(in request, node, args, body, plus: false);
            case FuseOpcode.ReadDirPlus:
                return ReadDir(in request, node, args, body, plus: true);
            case FuseOpcode.StatFs:
                return Reply<FuseKStatfs>(_fs.StatFs(in request, node, ref Out<FuseKStatfs>(body)));
            case FuseOpcode.Access:
                return Status(_fs.Access(in request, node, (int)In<FuseAccessIn>(args).Mask));
            case FuseOpcode.SetXattr:
                return SetXattr(in request, node, args);
            case FuseOpcode.GetXattr:
                return GetXattr(in request, node, args, body);
            case FuseOpcode.ListXattr:
                return ListXattr(in request, node, args, body);
            case FuseOpcode.RemoveXattr:
                return Status(_fs.RemoveXattr(in request, node, Name(args, out _)));
            case FuseOpcode.Fallocate:
                ref readonly FuseFallocateIn fallocate = ref In<FuseFallocateIn>(args);
                return Status(_fs.Fallocate(in request, node, fallocate.Fh, (int)fallocate.Mode, (long)fallocate.Offset, (long)fallocate.Length));
            case FuseOpcode.Lseek:
                return Lseek(in request, node, args, body);
            case FuseOpcode.CopyFileRange:
                return CopyFileRange(in request, node, args, body);
            case FuseOpcode.Interrupt:
                // ENOSYS makes the kernel stop sending interrupts for the rest of the connection; handlers
                // finish what they started (databases treat EINTR from pread/fsync as fatal anyway).
                return -Errno.ENOSYS;
            case FuseOpcode.Destroy:
                onDestroy();
                return 0;
            case FuseOpcode.CopyFileRange64:
            case FuseOpcode.Statx:
                // The kernel falls back to COPY_FILE_RANGE / GETATTR.
                return -Errno.ENOSYS;
            default:
                log.UnsupportedOnce(header.Opcode);
                return -Errno.ENOSYS;
        }
    }

    /// <summary>Operations without a reply body: 0 or -errno.</summary>
    private static int Status(int result) => result < 0 ? result : 0;

    /// <summary>Operations whose reply body is one <typeparamref name="T"/> already filled in place.</summary>
    private static int Reply<T>(int result)
        where T : unmanaged => result < 0 ? result : Unsafe.SizeOf<T>();

    /// <summary>FLUSH/FSYNC/FSYNCDIR: ENOSYS would make the kernel skip them forever, so it becomes EIO.</summary>
    private int Durable(uint opcode, int result)
    {
        if (result == -Errno.ENOSYS)
        {
            log.Warn($"{FuseLog.DescribeOpcode(opcode)} returned ENOSYS; answered EIO so the kernel keeps sending it");
            return -Errno.EIO;
        }
        return Status(result);
    }

    private int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        // A 0 result with NodeId 0 is a negative entry the kernel may cache; it is replied as is.
        return Reply<FuseEntryOut>(_fs.Lookup(in request, parent, Name(args, out _), ref Out<FuseEntryOut>(body)));
    }

    private int BatchForget(ReadOnlySpan<byte> args)
    {
        uint count = In<FuseBatchForgetIn>(args).Count;
        ReadOnlySpan<FuseForgetOne> records = MemoryMarshal.Cast<byte, FuseForgetOne>(After<FuseBatchForgetIn>(args));
        int available = (int)Math.Min(count, (uint)records.Length);
        for (int i = 0; i < available; i++)
        {
            _fs.Forget(records[i].NodeId, records[i].NLookup);
        }
        return NoReply;
    }

    private int GetAttr(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseGetAttrIn getAttr = ref In<FuseGetAttrIn>(args);
        ulong fh = (getAttr.GetAttrFlags & GetAttrFh) != 0 ? getAttr.Fh : 0;
        return Reply<FuseAttrOut>(_fs.GetAttr(in request, node, fh, ref Out<FuseAttrOut>(body)));
    }

    private int SetAttr(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseSetAttrIn set = ref In<FuseSetAttrIn>(args);
        var valid = (SetAttrValid)set.Valid;
        if ((valid & SetAttrValid.KillSuidGid) == 0)
        {
            return Reply<FuseAttrOut>(_fs.SetAttr(in request, node, in set, ref Out<FuseAttrOut>(body)));
        }
        // Truncate or chown under FUSE_HANDLE_KILLPRIV_V2: the kernel left the mode to us.
        FuseSetAttrIn killing = set;
        killing.Valid &= ~(uint)SetAttrValid.KillSuidGid;
        if ((valid & SetAttrValid.Mode) == 0)
        {
            FuseAttrOut current = default;
            int result = _fs.GetAttr(in request, node, (valid & SetAttrValid.Fh) != 0 ? set.Fh : 0, ref current);
            if (result < 0)
            {
                return result;
            }
            if (PrivilegeKill.Applies(current.Attr.Mode))
            {
                killing.Valid |= (uint)SetAttrValid.Mode;
                killing.Mode = PrivilegeKill.Killed(current.Attr.Mode);
            }
        }
        if ((valid & (SetAttrValid.Uid | SetAttrValid.Gid)) != 0)
        {
            // A file capability does not survive a change of owner either (ENODATA: it had none).
            _fs.RemoveXattr(in request, node, "security.capability"u8);
        }
        return Reply<FuseAttrOut>(_fs.SetAttr(in request, node, in killing, ref Out<FuseAttrOut>(body)));
    }

    private int ReadLink(in FuseRequest request, ulong node, Span<byte> body)
    {
        Span<byte> target = body[..Math.Min(MaxLinkLength, body.Length)];
        int length = _fs.ReadLink(in request, node, target);
        return length > target.Length ? -Errno.ENAMETOOLONG : length;
    }

    private int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ReadOnlySpan<byte> name = Name(args, out ReadOnlySpan<byte> rest);
        ReadOnlySpan<byte> target = Name(rest, out _);
        return Reply<FuseEntryOut>(_fs.Symlink(in request, parent, name, target, ref Out<FuseEntryOut>(body)));
    }

    private int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseMknodIn mknod = ref In<FuseMknodIn>(args);
        ReadOnlySpan<byte> name = Name(After<FuseMknodIn>(args), out _);
        return Reply<FuseEntryOut>(_fs.Mknod(in request, parent, name, mknod.Mode, mknod.Rdev, mknod.Umask, ref Out<FuseEntryOut>(body)));
    }

    private int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseMkdirIn mkdir = ref In<FuseMkdirIn>(args);
        ReadOnlySpan<byte> name = Name(After<FuseMkdirIn>(args), out _);
        // The kernel sends only permission bits; hand the filesystem a full mode like MKNOD/CREATE do.
        uint mode = mkdir.Mode | DirectoryMode;
        return Reply<FuseEntryOut>(_fs.Mkdir(in request, parent, name, mode, mkdir.Umask, ref Out<FuseEntryOut>(body)));
    }

    private int Rename(in FuseRequest request, ulong parent, ulong newParent, uint flags, ReadOnlySpan<byte> names)
    {
        ReadOnlySpan<byte> name = Name(names, out ReadOnlySpan<byte> rest);
        ReadOnlySpan<byte> newName = Name(rest, out _);
        return Status(_fs.Rename(in request, parent, name, newParent, newName, flags));
    }

    private int Link(in FuseRequest request, ulong newParent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ulong oldNode = In<FuseLinkIn>(args).OldNodeId;
        ReadOnlySpan<byte> newName = Name(After<FuseLinkIn>(args), out _);
        return Reply<FuseEntryOut>(_fs.Link(in request, oldNode, newParent, newName, ref Out<FuseEntryOut>(body)));
    }

    private int Open(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body, bool directory)
    {
        ref readonly FuseOpenIn openIn = ref In<FuseOpenIn>(args);
        int flags = (int)openIn.Flags;
        if (!directory && (openIn.OpenFlags & PrivilegeKill.OpenFlag) != 0)
        {
            int killed = PrivilegeKill.Apply(_fs, connection, in request, node, 0);
            if (killed < 0)
            {
                return killed;
            }
        }
        ref FuseOpenOut open = ref Out<FuseOpenOut>(body);
        int result = directory ? _fs.OpenDir(in request, node, flags, ref open) : _fs.Open(in request, node, flags, ref open);
        return Reply<FuseOpenOut>(result);
    }

    private int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseCreateIn create = ref In<FuseCreateIn>(args);
        ReadOnlySpan<byte> name = Name(After<FuseCreateIn>(args), out _);
        ref FuseEntryOut entry = ref Out<FuseEntryOut>(body);
        ref FuseOpenOut open = ref Out<FuseOpenOut>(body[Unsafe.SizeOf<FuseEntryOut>()..]);
        int result = _fs.Create(in request, parent, name, (int)create.Flags, create.Mode, create.Umask, ref entry, ref open);
        return result < 0 ? result : Unsafe.SizeOf<FuseEntryOut>() + Unsafe.SizeOf<FuseOpenOut>();
    }

    private int Read(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseReadIn read = ref In<FuseReadIn>(args);
        Span<byte> destination = body[..(int)Math.Min(read.Size, (uint)body.Length)];
        int count = _fs.Read(in request, node, read.Fh, (long)read.Offset, destination);
        return count > destination.Length ? -Errno.EIO : count;
    }

    private int Write(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseWriteIn write = ref In<FuseWriteIn>(args);
        ReadOnlySpan<byte> data = After<FuseWriteIn>(args);
        if (data.Length < write.Size)
        {
            return -Errno.EINVAL;
        }
        if ((write.WriteFlags & PrivilegeKill.WriteFlag) != 0)
        {
            int killed = PrivilegeKill.Apply(_fs, connection, in request, node, write.Fh);
            if (killed < 0)
            {
                return killed;
            }
        }
        int written = _fs.Write(in request, node, write.Fh, (long)write.Offset, data[..(int)write.Size], write.WriteFlags);
        if (written < 0)
        {
            return written;
        }
        Out<FuseWriteOut>(body).Size = (uint)written;
        return Unsafe.SizeOf<FuseWriteOut>();
    }

    private int ReadDir(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body, bool plus)
    {
        ref readonly FuseReadIn read = ref In<FuseReadIn>(args);
        var writer = new DirectoryEntryWriter(body[..(int)Math.Min(read.Size, (uint)body.Length)], plus);
        int result = _fs.ReadDir(in request, node, read.Fh, (long)read.Offset, ref writer);
        return result < 0 ? result : writer.BytesWritten;
    }

    private int SetXattr(in FuseRequest request, ulong node, ReadOnlySpan<byte> args)
    {
        ref readonly FuseSetXattrIn set = ref In<FuseSetXattrIn>(args);
        ReadOnlySpan<byte> name = Name(After<FuseSetXattrIn>(args), out ReadOnlySpan<byte> value);
        if (value.Length < set.Size)
        {
            return -Errno.EINVAL;
        }
        return Status(_fs.SetXattr(in request, node, name, value[..(int)set.Size], (int)set.Flags));
    }

    private int GetXattr(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        uint size = In<FuseGetXattrIn>(args).Size;
        ReadOnlySpan<byte> name = Name(After<FuseGetXattrIn>(args), out _);
        if (size == 0)
        {
            return SizeOnly(_fs.GetXattr(in request, node, name, Span<byte>.Empty), body);
        }
        Span<byte> value = body[..(int)Math.Min(size, (uint)body.Length)];
        int length = _fs.GetXattr(in request, node, name, value);
        return length > value.Length ? -Errno.ERANGE : length;
    }

    private int ListXattr(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        uint size = In<FuseGetXattrIn>(args).Size;
        if (size == 0)
        {
            return SizeOnly(_fs.ListXattr(in request, node, Span<byte>.Empty), body);
        }
        Span<byte> list = body[..(int)Math.Min(size, (uint)body.Length)];
        int length = _fs.ListXattr(in request, node, list);
        return length > list.Length ? -Errno.ERANGE : length;
    }

    /// <summary>GETXATTR/LISTXATTR with size 0: the kernel asks only how big the value is.</summary>
    private static int SizeOnly(int result, Span<byte> body)
    {
        if (result < 0)
        {
            return result;
        }
        Out<FuseGetXattrOut>(body).Size = (uint)result;
        return Unsafe.SizeOf<FuseGetXattrOut>();
    }

    private int Lseek(in FuseRequest request, ulong node, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseLseekIn lseek = ref In<FuseLseekIn>(args);
        int result = _fs.Lseek(in request, node, lseek.Fh, (long)lseek.Offset, (int)lseek.Whence, out long offset);
        if (result < 0)
        {
            return result;
        }
        Out<FuseLseekOut>(body).Offset = (ulong)offset;
        return Unsafe.SizeOf<FuseLseekOut>();
    }

    private int CopyFileRange(in FuseRequest request, ulong nodeIn, ReadOnlySpan<byte> args, Span<byte> body)
    {
        ref readonly FuseCopyFileRangeIn copy = ref In<FuseCopyFileRangeIn>(args);
        // The 32-bit reply caps one request; the kernel limits len for this opcode and loops.
        ulong length = Math.Min(copy.Len, uint.MaxValue & ~4095UL);
        long copied = _fs.CopyFileRange(in request, nodeIn, copy.FhIn, (long)copy.OffIn, copy.NodeIdOut, copy.FhOut, (long)copy.OffOut, (long)length, copy.Flags);
        if (copied < 0)
        {
            return (int)copied;
        }
        Out<FuseWriteOut>(body).Size = (uint)Math.Min((ulong)copied, length);
        return Unsafe.SizeOf<FuseWriteOut>();
    }
}
