using System.Runtime.CompilerServices;
using System.Text;
using CowStore.Core.Loopback;
using CowStore.Core.Posix;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

namespace CowStore.UnitTests.Loopback;

/// <summary>
/// A LoopbackFileSystem over a fresh directory named after the test, called directly as the
/// FUSE server would (no mount). Helpers assert success so tests read as the operation sequence.
/// </summary>
internal sealed class LoopbackHarness : IDisposable
{
    public static readonly FuseRequest Caller = new(1, 0, 0, (uint)Environment.ProcessId);

    public LoopbackHarness([CallerMemberName] string testName = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "cowstore-unit", $"{nameof(LoopbackHarness)}-{testName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        FileSystem = new LoopbackFileSystem(Root);
    }

    public string Root { get; }

    public LoopbackFileSystem FileSystem { get; }

    public static byte[] Name(string name) => Encoding.UTF8.GetBytes(name);

    public string PathOf(string name) => Path.Combine(Root, name);

    public FuseEntryOut Lookup(string name, ulong parent = IFuseFileSystem.RootNodeId)
    {
        FuseEntryOut entry = default;
        Assert.Equal(0, FileSystem.Lookup(Caller, parent, Name(name), ref entry));
        Assert.NotEqual(0UL, entry.NodeId);
        return entry;
    }

    public (FuseEntryOut Entry, ulong Fh) Create(string name, int flags = PosixConstants.O_RDWR, uint mode = 0x1A4 /* 0644 */, ulong parent = IFuseFileSystem.RootNodeId)
    {
        FuseEntryOut entry = default;
        FuseOpenOut open = default;
        Assert.Equal(0, FileSystem.Create(Caller, parent, Name(name), flags, mode, 0, ref entry, ref open));
        Assert.NotEqual(0UL, open.Fh);
        return (entry, open.Fh);
    }

    public ulong Open(ulong nodeId, int flags = PosixConstants.O_RDWR)
    {
        FuseOpenOut open = default;
        Assert.Equal(0, FileSystem.Open(Caller, nodeId, flags, ref open));
        Assert.NotEqual(0UL, open.Fh);
        return open.Fh;
    }

    public FuseAttr GetAttr(ulong nodeId, ulong fh = 0)
    {
        FuseAttrOut attr = default;
        Assert.Equal(0, FileSystem.GetAttr(Caller, nodeId, fh, ref attr));
        return attr.Attr;
    }

    /// <summary>st_ino and st_nlink of a path in the backing directory, straight from lstat.</summary>
    public static unsafe Stat LStat(string path)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            Assert.Equal(0, Libc.FStatAt(PosixConstants.AT_FDCWD, p, out Stat stat, PosixConstants.AT_SYMLINK_NOFOLLOW));
            return stat;
        }
    }

    /// <summary>chmod(2) with the full mode bits (set-group-ID included).</summary>
    public static unsafe void Chmod(string path, uint mode)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            Assert.Equal(0, Libc.FChmodAt(PosixConstants.AT_FDCWD, p, mode, 0));
        }
    }

    public void Dispose()
    {
        FileSystem.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
