using System.Text;
using CowStore.IntegrationTests.Infrastructure.Interop;
using static CowStore.IntegrationTests.Infrastructure.Interop.PosixConstants;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Syscalls for the tests. <c>TryX</c> returns the errno (<see cref="Errno.OK"/> on success) so a
/// test can compare it; <c>X</c> fails the test with the errno name and the path when the call fails.
/// </summary>
internal static unsafe class Sys
{
    public static Errno LastErrno => (Errno)Libc.Errno;

    public static Errno Result(long rc) => rc < 0 ? LastErrno : Errno.OK;

    public static void Check(long rc, string what)
    {
        if (rc < 0)
        {
            Errno e = LastErrno;
            throw new Xunit.Sdk.XunitException($"{what} failed: {e} ({(int)e})");
        }
    }

    public static Errno TryStat(string path, out StatBuffer st) => Result(Libc.Stat(path, out st));

    public static Errno TryLStat(string path, out StatBuffer st) => Result(Libc.LStat(path, out st));

    public static StatBuffer Stat(string path)
    {
        Check(Libc.Stat(path, out StatBuffer st), $"stat {path}");
        return st;
    }

    public static StatBuffer LStat(string path)
    {
        Check(Libc.LStat(path, out StatBuffer st), $"lstat {path}");
        return st;
    }

    public static Errno TryRename(string from, string to) => Result(Libc.Rename(from, to));

    public static void Rename(string from, string to) => Check(Libc.Rename(from, to), $"rename {from} -> {to}");

    public static Errno TryRename2(string from, string to, uint flags) =>
        Result(Libc.RenameAt2(AT_FDCWD, from, AT_FDCWD, to, flags));

    public static Errno TryLink(string existing, string newName) => Result(Libc.Link(existing, newName));

    public static void Link(string existing, string newName) => Check(Libc.Link(existing, newName), $"link {existing} -> {newName}");

    public static Errno TryUnlink(string path) => Result(Libc.Unlink(path));

    public static void Unlink(string path) => Check(Libc.Unlink(path), $"unlink {path}");

    public static Errno TryMkdir(string path, uint mode = 0x1ED) => Result(Libc.Mkdir(path, mode));

    public static void Mkdir(string path, uint mode = 0x1ED) => Check(Libc.Mkdir(path, mode), $"mkdir {path}");

    public static Errno TryRmdir(string path) => Result(Libc.Rmdir(path));

    public static void Symlink(string target, string linkPath) => Check(Libc.Symlink(target, linkPath), $"symlink {linkPath}");

    public static string ReadLink(string path)
    {
        byte* buffer = stackalloc byte[4096];
        nint n = Libc.ReadLink(path, buffer, 4096);
        Check(n, $"readlink {path}");
        return Encoding.UTF8.GetString(buffer, (int)n);
    }

    public static void Chmod(string path, uint mode) => Check(Libc.Chmod(path, mode), $"chmod {path}");

    public static Errno TryLChown(string path, uint uid, uint gid) => Result(Libc.LChown(path, uid, gid));

    public static Errno TryUtimens(string path, TimeSpec? atime, TimeSpec? mtime, int flags = 0)
    {
        if (atime is null && mtime is null)
        {
            return Result(Libc.UtimensAt(AT_FDCWD, path, null, flags));
        }
        TimeSpec* times = stackalloc TimeSpec[2];
        times[0] = atime ?? new TimeSpec(0, UTIME_OMIT);
        times[1] = mtime ?? new TimeSpec(0, UTIME_OMIT);
        return Result(Libc.UtimensAt(AT_FDCWD, path, times, flags));
    }

    public static StatVfsBuffer StatVfs(string path)
    {
        Check(Libc.StatVfs(path, out StatVfsBuffer st), $"statvfs {path}");
        return st;
    }

    public static Errno TrySetXattr(string path, string name, string value, int flags = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* p = bytes)
        {
            return Result(Libc.LSetXattr(path, name, p, (nuint)bytes.Length, flags));
        }
    }

    public static Errno TryGetXattr(string path, string name, out string value)
    {
        byte* buffer = stackalloc byte[4096];
        nint n = Libc.LGetXattr(path, name, buffer, 4096);
        value = n >= 0 ? Encoding.UTF8.GetString(buffer, (int)n) : "";
        return Result(n);
    }

    public static string[] ListXattr(string path)
    {
        byte* buffer = stackalloc byte[8192];
        nint n = Libc.LListXattr(path, buffer, 8192);
        Check(n, $"listxattr {path}");
        return Encoding.UTF8.GetString(buffer, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Errno TryRemoveXattr(string path, string name) => Result(Libc.LRemoveXattr(path, name));

    public static uint EUid => Libc.GetEUid();

    public static uint EGid => Libc.GetEGid();

    public static bool IsRoot => Libc.GetEUid() == 0;

    /// <summary>Writes a whole file (create/truncate) through System.IO.</summary>
    public static void WriteFile(string path, byte[] data) => File.WriteAllBytes(path, data);
}
