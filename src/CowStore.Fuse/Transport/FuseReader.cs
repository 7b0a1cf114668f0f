using CowStore.Fuse.Protocol;

namespace CowStore.Fuse.Transport;

/// <summary>
/// One dedicated OS thread: reads a request from its own /dev/fuse fd, handles it inline and answers on
/// the same fd (a reply on another cloned fd would not find the request). Ends when the connection does.
/// </summary>
internal sealed unsafe class FuseReader(int index, int fd, NativeBuffer requestBuffer, NativeBuffer replyBuffer,
    FuseDispatcher dispatcher, FuseLog log, Action stopped)
{
    private Thread? _thread;
    private long _served;

    public void Start()
    {
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = $"fuse-reader-{index}",
        };
        _thread.Start();
    }

    public bool Join(TimeSpan timeout) => _thread is null || _thread.Join(timeout);

    /// <summary>Requests handled so far.</summary>
    public long Served => Volatile.Read(ref _served);

    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception exception)
        {
            // Only a transport bug gets here (handler exceptions become EIO inside the dispatcher).
            log.Warn($"reader {index} failed: {exception}");
        }
        finally
        {
            stopped();
        }
    }

    private void Loop()
    {
        while (true)
        {
            int length = DeviceIo.ReadRequest(fd, requestBuffer);
            if (length < 0)
            {
                switch (-length)
                {
                    case Errno.EINTR:
                    case Errno.EAGAIN:
                    case Errno.ENOENT: // the request was interrupted before we got it
                        continue;
                    case Errno.ENODEV: // unmounted
                    case Errno.ECONNABORTED: // aborted through fusectl
                        return;
                    default:
                        log.Warn($"reader {index}: read from /dev/fuse failed with errno {-length}; reader stops");
                        return;
                }
            }
            if (length < FuseDispatcher.InHeaderSize)
            {
                log.Warn($"reader {index}: short request of {length} bytes ignored");
                continue;
            }

            int replyLength = dispatcher.Handle(new ReadOnlySpan<byte>(requestBuffer.Pointer, length), replyBuffer.Span);
            Volatile.Write(ref _served, _served + 1);
            if (replyLength == 0)
            {
                continue;
            }
            int result = DeviceIo.WriteMessage(fd, replyBuffer.Pointer, replyLength);
            // ENOENT: the kernel dropped the request (interrupted, or a RELEASE racing unmount).
            if (result < 0 && result != -Errno.ENOENT && result != -Errno.ENODEV)
            {
                log.Warn($"reader {index}: reply of {replyLength} bytes rejected with errno {-result}");
            }
        }
    }
}
