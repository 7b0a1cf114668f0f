using CowStore.Fuse.Kernel;

namespace CowStore.Fuse;

/// <summary>
/// An inode-based filesystem served by <see cref="FuseServer"/>. Every operation returns 0 (or a
/// byte count where documented) on success and <c>-errno</c> on failure; implementations never
/// throw across this boundary (a throwing handler is logged and answered with EIO).
/// Node id 1 (<see cref="RootNodeId"/>) is the root. Calls arrive concurrently on several threads.
/// </summary>
/// <remarks>
/// Durability contract: <see cref="Flush"/>, <see cref="Fsync"/> and <see cref="FsyncDir"/> must be
/// implemented for real — the server never answers them with ENOSYS, because the kernel would then
/// skip every later fsync silently. File handles returned in <see cref="FuseOpenOut.Fh"/> should be
/// non-zero: 0 is passed to <see cref="GetAttr"/> and <see cref="SetAttr"/> when no handle applies.
/// </remarks>
public interface IFuseFileSystem
{
    public const ulong RootNodeId = 1;

    /// <summary>Called once after INIT is negotiated, before any other request.</summary>
    void Init(FuseConnection connection);

    /// <summary>Called when the connection ends (unmount or abort); release resources.</summary>
    void Destroy();

    /// <summary>Looks up <paramref name="name"/> in <paramref name="parent"/>; success adds one lookup to the node.</summary>
    int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ref FuseEntryOut entry);

    /// <summary>Drops <paramref name="lookupCount"/> lookups; at zero the node id may be reused. No reply.</summary>
    void Forget(ulong nodeId, ulong lookupCount);

    /// <param name="fh">The open file handle, or 0 when the kernel did not name one.</param>
    int GetAttr(in FuseRequest request, ulong nodeId, ulong fh, ref FuseAttrOut attr);

    /// <summary>chmod, chown, truncate (<see cref="SetAttrValid.Size"/>), utimens; fills the new attributes.</summary>
    int SetAttr(in FuseRequest request, ulong nodeId, in FuseSetAttrIn set, ref FuseAttrOut attr);

    /// <summary>Writes the link target into <paramref name="target"/>; returns its length or -errno.</summary>
    int ReadLink(in FuseRequest request, ulong nodeId, Span<byte> target);

    int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, ref FuseEntryOut entry);

    /// <param name="mode">Full mode including S_IFMT; <paramref name="umask"/> is already applied by the kernel unless the FS asked otherwise.</param>
    int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint rdev, uint umask, ref FuseEntryOut entry);

    /// <param name="mode">Permission bits with S_IFDIR set by the server (the kernel sends only the permission bits).</param>
    int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint umask, ref FuseEntryOut entry);

    int Unlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name);

    int Rmdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name);

    /// <param name="flags">0, RENAME_NOREPLACE (1) or RENAME_EXCHANGE (2).</param>
    int Rename(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags);

    int Link(in FuseRequest request, ulong nodeId, ulong newParent, ReadOnlySpan<byte> newName, ref FuseEntryOut entry);

    /// <param name="flags">open(2) flags (O_ACCMODE, O_APPEND, O_DIRECT, O_TRUNC with atomic O_TRUNC, ...).</param>
    int Open(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open);

    int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, int flags, uint mode, uint umask, ref FuseEntryOut entry, ref FuseOpenOut open);

    /// <summary>Reads into <paramref name="buffer"/> (its length is the requested size); returns bytes read (short only at EOF) or -errno.</summary>
    int Read(in FuseRequest request, ulong nodeId, ulong fh, long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/>; returns bytes written or -errno.</summary>
    /// <param name="writeFlags">FUSE_WRITE_* bits (1 = from the writeback cache, fh is only a hint).</param>
    int Write(in FuseRequest request, ulong nodeId, ulong fh, long offset, ReadOnlySpan<byte> data, uint writeFlags);

    /// <summary>Called on each close(2) of a file descriptor. Must not return ENOSYS.</summary>
    int Flush(in FuseRequest request, ulong nodeId, ulong fh, ulong lockOwner);

    /// <summary>Last reference to an open file is gone.</summary>
    int Release(in FuseRequest request, ulong nodeId, ulong fh, int flags);

    /// <summary>Data (and, unless <paramref name="dataOnly"/>, metadata) reaches stable storage before returning. Must not return ENOSYS.</summary>
    int Fsync(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly);

    int OpenDir(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open);

    /// <summary>
    /// Fills <paramref name="writer"/> with entries after cookie <paramref name="offset"/> (0 = from the start)
    /// until it is full or the directory ends. READDIRPLUS when <see cref="DirectoryEntryWriter.IsPlus"/>.
    /// </summary>
    int ReadDir(in FuseRequest request, ulong nodeId, ulong fh, long offset, ref DirectoryEntryWriter writer);

    int ReleaseDir(in FuseRequest request, ulong nodeId, ulong fh);

    /// <summary>Directory entries (creates, renames, unlinks) reach stable storage. Must not return ENOSYS.</summary>
    int FsyncDir(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly);

    int StatFs(in FuseRequest request, ulong nodeId, ref FuseKStatfs statfs);

    /// <param name="mask">access(2) mask: F_OK 0, X_OK 1, W_OK 2, R_OK 4.</param>
    int Access(in FuseRequest request, ulong nodeId, int mask);

    int SetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags);

    /// <summary>Returns the value size; with an empty <paramref name="value"/> only the size is asked for. ERANGE if too small.</summary>
    int GetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, Span<byte> value);

    /// <summary>NUL-separated names; returns the total size; with an empty <paramref name="list"/> only the size is asked for.</summary>
    int ListXattr(in FuseRequest request, ulong nodeId, Span<byte> list);

    int RemoveXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name);

    /// <param name="mode">fallocate(2) mode: 0, FALLOC_FL_KEEP_SIZE 1, PUNCH_HOLE 2, ZERO_RANGE 0x10, ...</param>
    int Fallocate(in FuseRequest request, ulong nodeId, ulong fh, int mode, long offset, long length);

    /// <summary>SEEK_DATA (3) / SEEK_HOLE (4) (and SEEK_SET/CUR/END); the resulting offset in <paramref name="result"/>.</summary>
    int Lseek(in FuseRequest request, ulong nodeId, ulong fh, long offset, int whence, out long result);

    /// <summary>Returns the number of bytes copied or -errno.</summary>
    long CopyFileRange(in FuseRequest request, ulong nodeIn, ulong fhIn, long offsetIn, ulong nodeOut, ulong fhOut, long offsetOut, long length, ulong flags);
}
