namespace CowStore.Core.Posix;

/// <summary>
/// NUL-terminated paths built in caller-provided (usually stackalloc'd) buffers, so interop needs no allocation.
/// </summary>
internal static unsafe class CPath
{
    /// <summary>"" as a C string, for AT_EMPTY_PATH calls. u8 literals live in static data and never move.</summary>
    public static byte* Empty => (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference("\0"u8));

    /// <summary>Buffer size for a name or symlink target: PATH_MAX plus the terminator.</summary>
    public const int MaxSize = 4097;

    /// <summary>Buffer size for <see cref="ProcFd"/>.</summary>
    public const int ProcFdSize = 32;

    /// <summary>Copies <paramref name="name"/> and a NUL into <paramref name="buffer"/>; false if it does not fit or holds a NUL.</summary>
    public static bool TryTerminate(ReadOnlySpan<byte> name, Span<byte> buffer)
    {
        if (name.Length >= buffer.Length || name.Contains((byte)0))
        {
            return false;
        }
        name.CopyTo(buffer);
        buffer[name.Length] = 0;
        return true;
    }

    /// <summary>
    /// Writes "/proc/self/fd/&lt;fd&gt;\0": the one path that reaches the inode behind an O_PATH fd for calls that
    /// have no fd or AT_EMPTY_PATH form (open, xattrs, chmod, truncate, link).
    /// </summary>
    public static Span<byte> ProcFd(int fd, Span<byte> buffer)
    {
        ReadOnlySpan<byte> prefix = "/proc/self/fd/"u8;
        prefix.CopyTo(buffer);
        fd.TryFormat(buffer[prefix.Length..], out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        int length = prefix.Length + digits;
        buffer[length] = 0;
        return buffer[..(length + 1)];
    }
}
