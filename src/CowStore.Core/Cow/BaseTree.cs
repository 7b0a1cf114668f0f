using System.IO.Hashing;
using System.Text;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using static CowStore.Core.Posix.PosixConstants;

namespace CowStore.Core.Cow;

/// <summary>
/// Read-only access to the base directory by origin path (relative to the base root, "" for the root).
/// Never writes. Inode numbers: a base object keeps its st_ino, except when st_ino could be shared
/// (non-directories with st_nlink &gt; 1, e.g. /nix/store optimised hard links across store paths) or
/// does not fit below 2^62: those get a number from their path hash with bit 62 set, so every base path
/// is its own inode in the session (a write to one never shows through another).
/// </summary>
internal sealed unsafe class BaseTree(string root) : ILowerTree
{
    public const ulong PathHashInoBit = 1UL << 62;

    // Every name, dot files included; unreadable directories are errors, not empty.
    private static readonly EnumerationOptions AllEntries = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly byte[] _rootBytes = Encoding.UTF8.GetBytes(root);

    public string Root { get; } = root;

    public string FullPath(string origin) => origin.Length == 0 ? Root : Root + "/" + origin;

    public static string Child(string origin, string name) => origin.Length == 0 ? name : origin + "/" + name;

    /// <summary>lstat of a base object; 0 or -errno. Builds the path on the stack: getattr and lookup call it per request.</summary>
    public int Lstat(string origin, out Stat stat)
    {
        Span<byte> path = stackalloc byte[CPath.MaxSize + 1];
        int length = _rootBytes.Length;
        if (length + 1 + Encoding.UTF8.GetMaxByteCount(origin.Length) >= path.Length
            && length + 1 + Encoding.UTF8.GetByteCount(origin) >= path.Length)
        {
            stat = default;
            return -Fuse.Errno.ENAMETOOLONG;
        }
        _rootBytes.CopyTo(path);
        if (origin.Length > 0)
        {
            path[length++] = (byte)'/';
            length += Encoding.UTF8.GetBytes(origin, path[length..]);
        }
        path[length] = 0;
        fixed (byte* p = path)
        {
            return Libc.FStatAt(AT_FDCWD, p, out stat, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Libc.NegErrno;
        }
    }

    public static ulong InoOf(in Stat stat, string origin)
    {
        bool shareable = (stat.Mode & S_IFMT) != S_IFDIR && stat.Nlink > 1;
        if (!shareable && stat.Ino < PathHashInoBit)
        {
            return stat.Ino;
        }
        return PathHashIno(origin);
    }

    /// <summary>The inode number a path gets when its object has no usable st_ino of its own (bit 62 set).</summary>
    public static ulong PathHashIno(string path) =>
        PathHashInoBit | (XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(path)) & (PathHashInoBit - 1));

    /// <summary>Names in a base directory ("." and ".." excluded); -errno in <paramref name="error"/> on failure.</summary>
    public List<string> List(string origin, out int error)
    {
        var names = new List<string>();
        error = 0;
        try
        {
            foreach (FileSystemInfo info in new DirectoryInfo(FullPath(origin)).EnumerateFileSystemInfos("*", AllEntries))
            {
                names.Add(info.Name);
            }
        }
        catch (DirectoryNotFoundException)
        {
            error = -Fuse.Errno.ENOENT;
        }
        catch (UnauthorizedAccessException)
        {
            error = -Fuse.Errno.EACCES;
        }
        catch (IOException)
        {
            error = -Fuse.Errno.EIO;
        }
        return names;
    }

    public bool IsBaseObject(string path) => true;

    public int OpenContent(string origin, out IBlockSource? content)
    {
        try
        {
            content = FileBlockSource.Open(FullPath(origin));
            return 0;
        }
        catch (IOException e)
        {
            content = null;
            return e.HResult is > 0 and < 4096 ? -e.HResult : -Fuse.Errno.EIO;
        }
    }

    /// <summary>The target of a base symlink, or -errno.</summary>
    public int ReadLink(string origin, out byte[] target)
    {
        byte[] path = CString(FullPath(origin));
        byte[] buffer = new byte[CPath.MaxSize];
        nint n;
        fixed (byte* p = path)
        fixed (byte* b = buffer)
        {
            n = Libc.ReadLinkAt(AT_FDCWD, p, b, (nuint)buffer.Length);
        }
        if (n < 0)
        {
            target = [];
            return Libc.NegErrno;
        }
        target = buffer.AsSpan(0, (int)n).ToArray();
        return 0;
    }

    /// <summary>All xattrs of a base object (none for symlinks: the calls would follow them).</summary>
    public Dictionary<string, byte[]> ReadXattrs(string origin, uint type)
    {
        var xattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (type == S_IFLNK)
        {
            return xattrs;
        }
        byte[] path = CString(FullPath(origin));
        fixed (byte* p = path)
        {
            nint size = Libc.ListXattr(p, null, 0);
            if (size <= 0)
            {
                return xattrs;
            }
            byte[] list = new byte[size];
            fixed (byte* l = list)
            {
                size = Libc.ListXattr(p, l, (nuint)list.Length);
            }
            if (size <= 0)
            {
                return xattrs;
            }
            foreach (Range range in list.AsSpan(0, (int)size).Split((byte)0))
            {
                byte[] name = list[range];
                if (name.Length == 0)
                {
                    continue;
                }
                byte[] cname = [.. name, 0];
                fixed (byte* n = cname)
                {
                    nint valueSize = Libc.GetXattr(p, n, null, 0);
                    if (valueSize < 0)
                    {
                        continue;
                    }
                    byte[] value = new byte[valueSize];
                    fixed (byte* v = value)
                    {
                        valueSize = Libc.GetXattr(p, n, v, (nuint)value.Length);
                    }
                    if (valueSize >= 0)
                    {
                        xattrs[Encoding.UTF8.GetString(name)] = value.AsSpan(0, (int)valueSize).ToArray();
                    }
                }
            }
        }
        return xattrs;
    }

    private static byte[] CString(string path) => Encoding.UTF8.GetBytes(path + "\0");
}
