using CowStore.Fuse.Interop;

namespace CowStore.Fuse.Transport;

/// <summary>Whole-message reads and writes on a /dev/fuse descriptor.</summary>
internal static unsafe class DeviceIo
{
    /// <summary>One request (the kernel never splits one); bytes read or -errno.</summary>
    public static int ReadRequest(int fd, NativeBuffer buffer)
    {
        nint read = Libc.Read(fd, buffer.Pointer, (nuint)buffer.Length);
        return read < 0 ? -Libc.Errno : (int)read;
    }

    /// <summary>One reply in one writev (the device takes whole messages only); 0 or -errno.</summary>
    public static int WriteMessage(int fd, byte* message, int length)
    {
        var iov = new Iovec { Base = message, Length = (nuint)length };
        while (true)
        {
            nint written = Libc.Writev(fd, &iov, 1);
            if (written >= 0)
            {
                return 0;
            }
            int errno = Libc.Errno;
            if (errno != Errno.EINTR)
            {
                return -errno;
            }
        }
    }

    /// <summary>A message gathered from several pieces, still written atomically; 0 or -errno.</summary>
    public static int WriteMessage(int fd, ReadOnlySpan<Iovec> pieces)
    {
        fixed (Iovec* iov = pieces)
        {
            while (true)
            {
                nint written = Libc.Writev(fd, iov, pieces.Length);
                if (written >= 0)
                {
                    return 0;
                }
                int errno = Libc.Errno;
                if (errno != Errno.EINTR)
                {
                    return -errno;
                }
            }
        }
    }
}
