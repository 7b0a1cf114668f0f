using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CowStore.Core.Cow;
using CowStore.Fuse;
using CowStore.Fuse.Kernel;
using Xunit;

// Linux-only test suite: the Unix file-mode APIs are what it needs.
#pragma warning disable CA1416

namespace CowStore.UnitTests.Cow;

/// <summary>
/// A read-only base tree and a delta in a per-test temp directory, with path-level helpers that drive
/// <see cref="CowFileSystem"/> through its FUSE methods. Dispose checks the base was never changed.
/// </summary>
internal sealed class CowFixture : IDisposable
{
    public const uint Owner = 4242;
    public static readonly FuseRequest Request = new(1, Owner, Owner, 1);

    private readonly string _baseHash;

    public CowFixture(Action<string> buildBase, [CallerMemberName] string testName = "")
    {
        Root = Path.Combine(Path.GetTempPath(), "cowstore-cow-tests", $"{testName}-{Guid.NewGuid():N}"[..Math.Min(testName.Length + 9, 80)]);
        BaseDirectory = Path.Combine(Root, "base");
        DeltaDirectory = Path.Combine(Root, "delta");
        Directory.CreateDirectory(BaseDirectory);
        buildBase(BaseDirectory);
        MakeReadOnly(BaseDirectory);
        _baseHash = HashTree(BaseDirectory);
        Fs = CowFileSystem.Open(Options);
    }

    public string Root { get; }
    public string BaseDirectory { get; }
    public string DeltaDirectory { get; }
    public CowFileSystem Fs { get; private set; }

    public CowOptions Options => new() { BaseDirectory = BaseDirectory, DeltaDirectory = DeltaDirectory, OwnerUid = Owner, OwnerGid = Owner };

    /// <summary>Durable close and reopen of the same delta.</summary>
    public void Reopen()
    {
        Fs.Dispose();
        Fs = CowFileSystem.Open(Options);
    }

    /// <summary>kill -9 of the daemon: nothing synced, fds closed, then reopen.</summary>
    public void Crash()
    {
        Fs.Abandon();
        Fs = CowFileSystem.Open(Options);
    }

    public void Dispose()
    {
        try
        {
            Fs.Dispose();
            Assert.Equal(_baseHash, HashTree(BaseDirectory));
        }
        finally
        {
            MakeWritable(Root);
            Directory.Delete(Root, recursive: true);
        }
    }

    // ---- path helpers -------------------------------------------------------------------

    public int TryLookup(string path, out FuseEntryOut entry)
    {
        entry = default;
        ulong node = IFuseFileSystem.RootNodeId;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            entry = default;
            int rc = Fs.Lookup(Request, node, Encoding.UTF8.GetBytes(part), ref entry);
            if (rc != 0)
            {
                return rc;
            }
            node = entry.NodeId;
        }
        if (node == IFuseFileSystem.RootNodeId)
        {
            var attr = default(FuseAttrOut);
            Assert.Equal(0, Fs.GetAttr(Request, node, 0, ref attr));
            entry.NodeId = node;
            entry.Attr = attr.Attr;
        }
        return 0;
    }

    public ulong Node(string path)
    {
        Assert.Equal(0, TryLookup(path, out FuseEntryOut entry));
        return entry.NodeId;
    }

    public FuseAttr Attr(string path)
    {
        var attr = default(FuseAttrOut);
        Assert.Equal(0, Fs.GetAttr(Request, Node(path), 0, ref attr));
        return attr.Attr;
    }

    public (ulong Parent, byte[] Name) Split(string path)
    {
        int slash = path.LastIndexOf('/');
        ulong parent = slash <= 0 ? IFuseFileSystem.RootNodeId : Node(path[..slash]);
        return (parent, Encoding.UTF8.GetBytes(path[(slash + 1)..]));
    }

    public ulong OpenFile(string path, int flags)
    {
        var open = default(FuseOpenOut);
        Assert.Equal(0, Fs.Open(Request, Node(path), flags, ref open));
        return open.Fh;
    }

    public (ulong Node, ulong Fh) CreateFile(string path, uint mode = 0x1A4)
    {
        (ulong parent, byte[] name) = Split(path);
        var entry = default(FuseEntryOut);
        var open = default(FuseOpenOut);
        Assert.Equal(0, Fs.Create(Request, parent, name, 2, mode, 0, ref entry, ref open));
        return (entry.NodeId, open.Fh);
    }

    public void WriteFile(string path, byte[] content)
    {
        (ulong node, ulong fh) = CreateFile(path);
        Assert.Equal(content.Length, Fs.Write(Request, node, fh, 0, content, 0));
        Assert.Equal(0, Fs.Flush(Request, node, fh, 0));
        Assert.Equal(0, Fs.Release(Request, node, fh, 0));
    }

    public void WriteAt(string path, long offset, byte[] content, bool fsync = false)
    {
        ulong node = Node(path);
        ulong fh = OpenFile(path, 2);
        Assert.Equal(content.Length, Fs.Write(Request, node, fh, offset, content, 0));
        if (fsync)
        {
            Assert.Equal(0, Fs.Fsync(Request, node, fh, dataOnly: false));
        }
        Assert.Equal(0, Fs.Release(Request, node, fh, 0));
    }

    public byte[] ReadFile(string path)
    {
        ulong node = Node(path);
        long size = (long)Attr(path).Size;
        ulong fh = OpenFile(path, 0);
        byte[] buffer = new byte[size + 100];
        int n = Fs.Read(Request, node, fh, 0, buffer);
        Assert.Equal(0, Fs.Release(Request, node, fh, 0));
        Assert.Equal(size, n);
        return buffer[..n];
    }

    public string ReadText(string path) => Encoding.UTF8.GetString(ReadFile(path));

    /// <summary>Names in a directory, read with a reply buffer of <paramref name="bufferSize"/> bytes.</summary>
    public List<string> List(string path, int bufferSize = 4096, bool plus = false)
    {
        ulong node = Node(path);
        var open = default(FuseOpenOut);
        Assert.Equal(0, Fs.OpenDir(Request, node, 0, ref open));
        var names = new List<string>();
        long offset = 0;
        byte[] buffer = new byte[bufferSize];
        while (true)
        {
            var writer = new DirectoryEntryWriter(buffer, plus);
            Assert.Equal(0, Fs.ReadDir(Request, node, open.Fh, offset, ref writer));
            if (writer.BytesWritten == 0)
            {
                break;
            }
            offset = DirentParser.Parse(buffer.AsSpan(0, writer.BytesWritten), plus, names);
        }
        Assert.Equal(0, Fs.ReleaseDir(Request, node, open.Fh));
        return names;
    }

    // ---- base tree helpers --------------------------------------------------------------

    public static string HashTree(string root)
    {
        var sb = new StringBuilder();
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            sb.Append(Path.GetRelativePath(root, path)).Append(' ').Append((int)File.GetUnixFileMode(path)).Append(' ');
            if (info.LinkTarget is not null)
            {
                sb.Append("-> ").Append(info.LinkTarget);
            }
            else if (!Directory.Exists(path))
            {
                sb.Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))).Append(' ').Append(info.LastWriteTimeUtc.Ticks);
            }
            sb.Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static void MakeReadOnly(string root)
    {
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                continue;
            }
            bool dir = Directory.Exists(path);
            File.SetUnixFileMode(path, dir ? (UnixFileMode)0x16D : (UnixFileMode)0x124);
            // Like /nix/store: mtime 1.
            if (!dir)
            {
                File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddSeconds(1));
            }
        }
        File.SetUnixFileMode(root, (UnixFileMode)0x16D);
    }

    private static void MakeWritable(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        File.SetUnixFileMode(root, (UnixFileMode)0x1ED);
        foreach (string path in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(path).LinkTarget is null)
            {
                File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
            }
        }
    }
}
