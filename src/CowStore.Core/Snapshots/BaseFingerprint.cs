using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CowStore.Core.Posix;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Digests of an external base directory, from a walk in ordinal name order (a directory, then each child in turn,
/// depth first; symbolic links are not followed). <see cref="Metadata"/> is cheap (lstat only) and tells whether a
/// registered directory changed; <see cref="Content"/> reads every byte and identifies an imported base.
/// </summary>
internal static unsafe class BaseFingerprint
{
    private const uint S_IFMT = 0xF000;
    private const uint S_IFREG = 0x8000;
    private const uint S_IFDIR = 0x4000;
    private const uint S_IFLNK = 0xA000;

    /// <summary>SHA-256 over (relative path, type, mode, size, mtime in ns, symlink target) of every object, as an id string.</summary>
    public static string Metadata(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("cowstore-fingerprint-v1\0"u8);
        byte[] number = new byte[8];
        Walk(root, "", (relative, full, stat) =>
        {
            AppendText(hash, relative);
            AppendUInt64(hash, stat.Mode, number);
            AppendUInt64(hash, (ulong)stat.Size, number);
            AppendUInt64(hash, (ulong)(stat.Mtime.Sec * 1_000_000_000 + stat.Mtime.Nsec), number);
            AppendText(hash, (stat.Mode & S_IFMT) == S_IFLNK ? new FileInfo(full).LinkTarget ?? "" : "");
        });
        return SnapshotId.FromDigest(hash.GetHashAndReset());
    }

    /// <summary>
    /// SHA-256 over (relative path, type, permission bits, symlink target, device number, size, bytes) of every
    /// object: the same for two directories with the same content wherever they are and whatever their times.
    /// </summary>
    public static byte[] Content(string root, IProgress<long>? bytesRead)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("cowstore-content-v1\0"u8);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long total = 0;
        byte[] number = new byte[8];
        try
        {
            Walk(root, "", (relative, full, stat) =>
            {
                uint type = stat.Mode & S_IFMT;
                AppendText(hash, relative);
                AppendUInt64(hash, type | (stat.Mode & 0x1FF), number);
                AppendText(hash, type == S_IFLNK ? new FileInfo(full).LinkTarget ?? "" : "");
                AppendUInt64(hash, type is S_IFREG or S_IFDIR or S_IFLNK ? 0 : stat.Rdev, number);
                AppendUInt64(hash, type == S_IFREG ? (ulong)stat.Size : 0, number);
                if (type == S_IFREG)
                {
                    using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
                    long length = 0;
                    int read;
                    while ((read = stream.Read(buffer)) > 0)
                    {
                        hash.AppendData(buffer.AsSpan(0, read));
                        length += read;
                        total += read;
                        bytesRead?.Report(total);
                    }
                    if (length != stat.Size)
                    {
                        throw new IOException($"{full} changed size while it was read ({stat.Size} -> {length} bytes)");
                    }
                }
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.GetHashAndReset();
    }

    private static void Walk(string root, string relative, Action<string, string, Stat> visit)
    {
        string full = relative.Length == 0 ? root : Path.Combine(root, relative);
        Stat stat = LStat(full);
        visit(relative, full, stat);
        if ((stat.Mode & S_IFMT) != S_IFDIR)
        {
            return;
        }
        foreach (string name in Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            Walk(root, relative.Length == 0 ? name : relative + "/" + name, visit);
        }
    }

    private static Stat LStat(string path)
    {
        byte[] cPath = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = cPath)
        {
            if (Libc.FStatAt(PosixConstants.AT_FDCWD, p, out Stat stat, PosixConstants.AT_SYMLINK_NOFOLLOW) != 0)
            {
                throw new IOException($"lstat {path}: {Libc.Describe(Libc.Errno)}", Libc.Errno);
            }
            return stat;
        }
    }

    private static void AppendText(IncrementalHash hash, string text)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        hash.AppendData("\0"u8);
    }

    private static void AppendUInt64(IncrementalHash hash, ulong value, Span<byte> number)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(number, value);
        hash.AppendData(number[..8]);
    }
}
