using System.Text;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;

namespace CowStore.UnitTests.Fuse;

/// <summary>
/// Records what the dispatcher hands to the filesystem and answers with <see cref="Result"/>; lets the
/// dispatcher be tested with hand-built requests and no mount.
/// </summary>
internal sealed class RecordingFileSystem : IFuseFileSystem
{
    public int Result { get; set; }

    /// <summary>Hot-path calls return <see cref="Result"/> without recording (for allocation checks).</summary>
    public bool Silent { get; set; }

    public Exception? Throw { get; set; }

    public List<string> Calls { get; } = [];

    public byte[] LastData { get; private set; } = [];

    private int Record(string call)
    {
        Calls.Add(call);
        if (Throw is not null)
        {
            throw Throw;
        }
        return Result;
    }

    private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    public void Init(FuseConnection connection) => Record("Init");

    public void Destroy() => Record("Destroy");

    public int Lookup(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ref FuseEntryOut entry)
    {
        entry.NodeId = 99;
        if (Silent)
        {
            return Result;
        }
        return Record($"Lookup {parent} {S(name)} uid={request.Uid}");
    }

    public void Forget(ulong nodeId, ulong lookupCount) => Record($"Forget {nodeId} {lookupCount}");

    /// <summary>The mode GetAttr reports (regular file 0644 unless a test sets it).</summary>
    public uint Mode { get; set; } = 0x81A4;

    public int GetAttr(in FuseRequest request, ulong nodeId, ulong fh, ref FuseAttrOut attr)
    {
        attr.Attr.Mode = Mode;
        return Silent ? Result : Record($"GetAttr {nodeId} fh={fh}");
    }

    public int SetAttr(in FuseRequest request, ulong nodeId, in FuseSetAttrIn set, ref FuseAttrOut attr) =>
        Record($"SetAttr {nodeId} valid={set.Valid} size={set.Size}" + ((set.Valid & (uint)SetAttrValid.Mode) != 0 ? $" mode={Convert.ToString(set.Mode, 8)}" : ""));

    public int ReadLink(in FuseRequest request, ulong nodeId, Span<byte> target) => Record($"ReadLink {nodeId}");

    public int Symlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ReadOnlySpan<byte> target, ref FuseEntryOut entry) =>
        Record($"Symlink {parent} {S(name)} -> {S(target)}");

    public int Mknod(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint rdev, uint umask, ref FuseEntryOut entry) =>
        Record($"Mknod {parent} {S(name)} {Convert.ToString(mode, 8)}");

    public int Mkdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, uint mode, uint umask, ref FuseEntryOut entry) =>
        Record($"Mkdir {parent} {S(name)} {Convert.ToString(mode, 8)} umask={Convert.ToString(umask, 8)}");

    public int Unlink(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => Record($"Unlink {parent} {S(name)}");

    public int Rmdir(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name) => Record($"Rmdir {parent} {S(name)}");

    public int Rename(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, ulong newParent, ReadOnlySpan<byte> newName, uint flags) =>
        Record($"Rename {parent} {S(name)} {newParent} {S(newName)} flags={flags}");

    public int Link(in FuseRequest request, ulong nodeId, ulong newParent, ReadOnlySpan<byte> newName, ref FuseEntryOut entry) =>
        Record($"Link {nodeId} {newParent} {S(newName)}");

    public int Open(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open) => Record($"Open {nodeId} flags={flags}");

    public int Create(in FuseRequest request, ulong parent, ReadOnlySpan<byte> name, int flags, uint mode, uint umask, ref FuseEntryOut entry, ref FuseOpenOut open)
    {
        entry.NodeId = 5;
        open.Fh = 77;
        return Record($"Create {parent} {S(name)}");
    }

    public int Read(in FuseRequest request, ulong nodeId, ulong fh, long offset, Span<byte> buffer)
    {
        if (!Silent)
        {
            Record($"Read {nodeId} fh={fh} off={offset} len={buffer.Length}");
        }
        buffer[..3].Fill((byte)'r');
        return 3;
    }

    public int Write(in FuseRequest request, ulong nodeId, ulong fh, long offset, ReadOnlySpan<byte> data, uint writeFlags)
    {
        if (Silent)
        {
            return data.Length;
        }
        LastData = data.ToArray();
        Record($"Write {nodeId} fh={fh} off={offset} len={data.Length}");
        return data.Length;
    }

    public int Flush(in FuseRequest request, ulong nodeId, ulong fh, ulong lockOwner) => Silent ? Result : Record($"Flush {nodeId} fh={fh}");

    public int Release(in FuseRequest request, ulong nodeId, ulong fh, int flags) => Record($"Release {nodeId} fh={fh}");

    public int Fsync(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly) => Silent ? Result : Record($"Fsync {nodeId} fh={fh} dataOnly={dataOnly}");

    public int OpenDir(in FuseRequest request, ulong nodeId, int flags, ref FuseOpenOut open) => Record($"OpenDir {nodeId}");

    public int ReadDir(in FuseRequest request, ulong nodeId, ulong fh, long offset, ref DirectoryEntryWriter writer)
    {
        writer.TryAdd("a"u8, 2, 8, 1);
        return Record($"ReadDir {nodeId} plus={writer.IsPlus}");
    }

    public int ReleaseDir(in FuseRequest request, ulong nodeId, ulong fh) => Record($"ReleaseDir {nodeId}");

    public int FsyncDir(in FuseRequest request, ulong nodeId, ulong fh, bool dataOnly) => Record($"FsyncDir {nodeId}");

    public int StatFs(in FuseRequest request, ulong nodeId, ref FuseKStatfs statfs) => Record("StatFs");

    public int Access(in FuseRequest request, ulong nodeId, int mask) => Record($"Access {nodeId} {mask}");

    public int SetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int flags) =>
        Record($"SetXattr {S(name)}={S(value)} flags={flags}");

    public int GetXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name, Span<byte> value)
    {
        Record($"GetXattr {S(name)} size={value.Length}");
        return 11;
    }

    public int ListXattr(in FuseRequest request, ulong nodeId, Span<byte> list) => Record($"ListXattr size={list.Length}");

    public int RemoveXattr(in FuseRequest request, ulong nodeId, ReadOnlySpan<byte> name) => Record($"RemoveXattr {S(name)}");

    public int Fallocate(in FuseRequest request, ulong nodeId, ulong fh, int mode, long offset, long length) =>
        Record($"Fallocate {nodeId} mode={mode} {offset}+{length}");

    public int Lseek(in FuseRequest request, ulong nodeId, ulong fh, long offset, int whence, out long result)
    {
        result = offset + 1;
        return Record($"Lseek {offset} {whence}");
    }

    public long CopyFileRange(in FuseRequest request, ulong nodeIn, ulong fhIn, long offsetIn, ulong nodeOut, ulong fhOut, long offsetOut, long length, ulong flags)
    {
        Record($"CopyFileRange {nodeIn}->{nodeOut} {length}");
        return length;
    }
}
