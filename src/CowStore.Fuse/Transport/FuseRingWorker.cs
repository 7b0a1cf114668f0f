using CowStore.Fuse.Interop;
using CowStore.Fuse.Interop.Uring;
using CowStore.Fuse.Protocol;

namespace CowStore.Fuse.Transport;

/// <summary>
/// One FUSE-over-io_uring ring entry served by one dedicated thread pinned to the entry's CPU: the kernel
/// queues a request on the queue of the CPU its caller runs on, so waking the thread that serves it stays
/// on that CPU, and answering one request and waiting for the next is a single system call.
/// One entry per thread: an entry the kernel may hand a request is always one whose thread is idle.
/// </summary>
/// <remarks>
/// Buffer layout: <c>fuse_uring_req_header</c> at 0, the iovecs handed to REGISTER at 512, a staging area
/// at 1024, the payload buffer at 4096. The dispatcher wants a request in the /dev/fuse form (in header,
/// operation header, further arguments back to back), so the two headers are copied in front of the
/// payload (or into the staging area when there is no payload). A reply is built in place in front of
/// the payload when the request carried none, else in a separate buffer (the reply would overwrite the
/// arguments still being read) and its body copied over.
/// </remarks>
internal sealed unsafe class FuseRingWorker
{
    private const int IovecOffset = 512;
    private const int StagingOffset = 1024;
    private const int PayloadOffset = 4096;
    private const int InHeaderSize = FuseDispatcher.InHeaderSize;
    private const int OutHeaderSize = FuseDispatcher.OutHeaderSize;

    // Replies to requests with a payload are small, but for GETXATTR (values up to XATTR_SIZE_MAX).
    private const int SeparateReplySize = OutHeaderSize + 64 * 1024 + 4096;

    private readonly int _queue;
    private readonly int _index;
    private readonly int _cpu;
    private readonly int _deviceFd;
    private readonly int _payloadSize;
    private readonly IoUring _ring;
    private readonly NativeBuffer _entry;
    private readonly NativeBuffer _separateReply;
    private readonly FuseDispatcher _dispatcher;
    private readonly FuseLog _log;
    private readonly Action _stopped;
    private readonly TaskCompletionSource<bool> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private uint _lastCommand;
    private ulong _lastCommitId;
    private long _served;

    private FuseRingWorker(int queue, int index, int cpu, int deviceFd, int payloadSize, IoUring ring,
        FuseDispatcher dispatcher, FuseLog log, Action stopped)
    {
        _queue = queue;
        _index = index;
        _cpu = cpu;
        _deviceFd = deviceFd;
        _payloadSize = payloadSize;
        _ring = ring;
        _entry = new NativeBuffer(PayloadOffset + payloadSize);
        _separateReply = new NativeBuffer(SeparateReplySize);
        _dispatcher = dispatcher;
        _log = log;
        _stopped = stopped;
    }

    /// <summary>The worker for entry <paramref name="index"/> of queue <paramref name="queue"/>, or null with the errno of io_uring_setup.</summary>
    /// <param name="cpu">CPU to pin the thread to; -1 for none (a queue of a CPU that is not online).</param>
    /// <param name="payloadSize">At least the kernel's max payload (max_write, max_pages pages, 8 KiB).</param>
    public static FuseRingWorker? Create(int queue, int index, int cpu, int deviceFd, int payloadSize,
        FuseDispatcher dispatcher, FuseLog log, Action stopped, out int errno)
    {
        // Two SQEs: the entry's command plus a spare; the CQ ring gets twice that.
        IoUring? ring = IoUring.Create(2, out errno);
        return ring is null ? null : new FuseRingWorker(queue, index, cpu, deviceFd, payloadSize, ring, dispatcher, log, stopped);
    }

    public void Start()
    {
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = $"fuse-ring-{_queue}.{_index}",
        };
        _thread.Start();
    }

    public bool Join(TimeSpan timeout) => _thread is null || _thread.Join(timeout);

    /// <summary>The kernel queue (CPU number) this entry belongs to.</summary>
    public int Queue => _queue;

    /// <summary>Requests answered so far.</summary>
    public long Served => Volatile.Read(ref _served);

    /// <summary>
    /// True once the kernel took the entry's registration, false if the worker could not hand it over. The
    /// kernel holds every request back until each queue has an entry, so the server must know.
    /// </summary>
    public Task<bool> Registered => _registered.Task;

    /// <summary>
    /// Makes the kernel give up io_uring for the connection (a registration it must refuse: a queue id it
    /// does not have), so that /dev/fuse serves it. For when an entry could not be registered.
    /// </summary>
    public static int Refuse(int deviceFd)
    {
        IoUring? ring = IoUring.Create(2, out int errno);
        if (ring is null)
        {
            return -errno;
        }
        using (ring)
        {
            PrepareCommand(ring.NextSqe(), deviceFd, FuseUringCmdReq.Register, ushort.MaxValue, 0);
            int result;
            do
            {
                result = ring.SubmitAndWait(1);
            }
            while (result == -Errno.EINTR);
            return result < 0 ? result : ring.TryTakeCompletion(out IoUringCqe completion) ? completion.Res : -Errno.EIO;
        }
    }

    /// <summary>Frees the ring and buffers; only once the thread has ended (or never started).</summary>
    public void Free()
    {
        _ring.Dispose();
        _entry.Dispose();
        _separateReply.Dispose();
    }

    private void Run()
    {
        try
        {
            PinToCpu();
            Loop();
        }
        catch (Exception exception)
        {
            // Only a transport bug gets here (handler exceptions become EIO inside the dispatcher).
            _log.Warn($"io_uring entry {_queue}.{_index} failed: {exception}");
        }
        finally
        {
            _registered.TrySetResult(false);
            _stopped();
        }
    }

    private void PinToCpu()
    {
        if (_cpu < 0)
        {
            return;
        }
        int words = _cpu / 64 + 1;
        ulong* mask = stackalloc ulong[words];
        new Span<ulong>(mask, words).Clear();
        mask[_cpu / 64] = 1UL << (_cpu % 64);
        if (Libc.SchedSetAffinity(0, (nuint)(words * sizeof(ulong)), mask) != 0)
        {
            // Still correct, only slower: the kernel wakes this thread on whichever CPU the scheduler picks.
            _log.Warn($"io_uring entry {_queue}.{_index}: cannot pin to CPU {_cpu}: {Libc.Describe(Libc.Errno)}");
        }
    }

    private void Loop()
    {
        if (!Register())
        {
            return;
        }
        while (true)
        {
            int result = _ring.SubmitAndWait(1);
            if (result == -Errno.EINTR)
            {
                continue;
            }
            if (result < 0)
            {
                _log.Warn($"io_uring entry {_queue}.{_index}: io_uring_enter failed: {Libc.Describe(-result)}; entry stops");
                return;
            }
            while (_ring.TryTakeCompletion(out IoUringCqe completion))
            {
                if (completion.Res >= 0)
                {
                    Submit(FuseUringCmdReq.CommitAndFetch, Serve());
                    Volatile.Write(ref _served, _served + 1);
                    continue;
                }
                switch (-completion.Res)
                {
                    case Errno.EINTR:
                    case Errno.EAGAIN:
                        Submit(_lastCommand, _lastCommitId);
                        break;
                    case Errno.ENOTCONN:      // unmounted: the kernel tears its entries down
                    case Errno.ECONNABORTED:  // aborted
                    case Errno.ECANCELED:
                    case Errno.ENODEV:
                        return;
                    default:
                        if (_lastCommand == FuseUringCmdReq.Register)
                        {
                            // A re-registration refused: the queue keeps its other entries.
                            _log.Warn($"io_uring entry {_queue}.{_index}: registration refused: {Libc.Describe(-completion.Res)}; entry stops");
                            return;
                        }
                        // The kernel no longer knows the request (it was aborted): the entry is gone with
                        // it, so register the buffers again rather than leave the queue one entry short.
                        _log.Warn($"io_uring entry {_queue}.{_index}: commit refused: {Libc.Describe(-completion.Res)}; registering again");
                        Submit(FuseUringCmdReq.Register, 0);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// Hands the entry to the kernel without waiting for a request. A registration the kernel refuses
    /// completes at once with the error; one it accepts completes only with the first request (left
    /// queued for the loop).
    /// </summary>
    private bool Register()
    {
        Submit(FuseUringCmdReq.Register, 0);
        int result;
        do
        {
            result = _ring.SubmitAndWait(0);
        }
        while (result == -Errno.EINTR);
        string? failure = result < 0 ? Libc.Describe(-result) : result == 0 ? "not consumed" : null;
        if (failure is null && _ring.TryPeekCompletion(out IoUringCqe completion) && completion.Res < 0)
        {
            _ring.TryTakeCompletion(out _);
            failure = $"refused: {Libc.Describe(-completion.Res)}";
        }
        if (failure is not null)
        {
            _log.Warn($"io_uring entry {_queue}.{_index}: registration failed ({failure})");
        }
        _registered.TrySetResult(failure is null);
        return failure is null;
    }

    private void Submit(uint command, ulong commitId)
    {
        IoUringSqe* sqe = _ring.NextSqe();
        if (sqe == null)
        {
            // One command is outstanding at a time, so a slot is always free.
            throw new InvalidOperationException("io_uring submission queue full");
        }
        PrepareCommand(sqe, _deviceFd, command, (ushort)_queue, commitId);
        if (command == FuseUringCmdReq.Register)
        {
            var iov = (Iovec*)(_entry.Pointer + IovecOffset);
            iov[0] = new Iovec { Base = _entry.Pointer, Length = FuseUringReqHeader.Size };
            iov[1] = new Iovec { Base = _entry.Pointer + PayloadOffset, Length = (nuint)_payloadSize };
            sqe->Addr = (ulong)iov;
            sqe->Len = 2;
        }
        _lastCommand = command;
        _lastCommitId = commitId;
    }

    /// <summary>Fills a zeroed SQE with a FUSE uring command for <paramref name="queue"/>.</summary>
    private static void PrepareCommand(IoUringSqe* sqe, int deviceFd, uint command, ushort queue, ulong commitId)
    {
        sqe->Opcode = IoUringSqe.OpUringCmd;
        sqe->Fd = deviceFd;
        sqe->CmdOp = command;
        var commandArea = (FuseUringCmdReq*)((byte*)sqe + IoUringSqe.CommandOffset);
        commandArea->QueueId = queue;
        commandArea->CommitId = commitId;
    }

    /// <summary>Answers the request the entry holds; returns its commit id.</summary>
    private ulong Serve()
    {
        byte* entry = _entry.Pointer;
        ref FuseUringEntInOut inOut = ref *(FuseUringEntInOut*)(entry + FuseUringReqHeader.EntInOutOffset);
        ref FuseInHeader header = ref *(FuseInHeader*)(entry + FuseUringReqHeader.InOutOffset);
        ulong commitId = inOut.CommitId;
        int payload = (int)Math.Min(inOut.PayloadSize, (uint)_payloadSize);
        long opHeader = (long)header.Len - InHeaderSize - payload;
        ulong unique = header.Unique;

        Span<byte> reply;
        int replyLength;
        if (opHeader < 0 || opHeader > FuseUringReqHeader.OpInSize)
        {
            _log.Warn($"io_uring entry {_queue}.{_index}: malformed request (length {header.Len}, payload {payload}) answered EIO");
            reply = _separateReply.Span;
            replyLength = 0;
        }
        else
        {
            // The /dev/fuse form: in header, operation header, then the payload (already in place).
            byte* request = payload == 0 ? entry + StagingOffset : entry + PayloadOffset - InHeaderSize - opHeader;
            Buffer.MemoryCopy(entry + FuseUringReqHeader.InOutOffset, request, InHeaderSize, InHeaderSize);
            Buffer.MemoryCopy(entry + FuseUringReqHeader.OpInOffset, request + InHeaderSize, opHeader, opHeader);
            reply = payload == 0 ? new Span<byte>(entry + PayloadOffset - OutHeaderSize, OutHeaderSize + _payloadSize) : _separateReply.Span;
            replyLength = _dispatcher.Handle(new ReadOnlySpan<byte>(request, InHeaderSize + (int)opHeader + payload), reply);
        }

        fixed (byte* replyStart = reply)
        {
            if (replyLength < OutHeaderSize)
            {
                // Every request on the ring expects an answer (FORGET and INTERRUPT travel through /dev/fuse).
                *(FuseOutHeader*)replyStart = new FuseOutHeader { Len = OutHeaderSize, Error = -Errno.EIO, Unique = unique };
                replyLength = OutHeaderSize;
            }
            Buffer.MemoryCopy(replyStart, entry + FuseUringReqHeader.InOutOffset, OutHeaderSize, OutHeaderSize);
            int body = replyLength - OutHeaderSize;
            if (payload != 0 && body > 0)
            {
                Buffer.MemoryCopy(replyStart + OutHeaderSize, entry + PayloadOffset, _payloadSize, body);
            }
            inOut.PayloadSize = (uint)body;
        }
        return commitId;
    }
}
