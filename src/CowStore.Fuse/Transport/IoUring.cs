using System.Runtime.CompilerServices;
using CowStore.Fuse.Interop.Uring;

namespace CowStore.Fuse.Transport;

/// <summary>
/// A minimal io_uring instance for one thread: 128-byte SQEs, submission and completion through the
/// shared rings (no liburing here). Not thread-safe; the owning thread is the only submitter and reaper.
/// </summary>
internal sealed unsafe class IoUring : IDisposable
{
    private int _fd = -1;
    private byte* _rings;
    private nuint _ringsSize;
    private byte* _cqRing;
    private nuint _cqRingSize;
    private IoUringSqe* _sqes;
    private nuint _sqesSize;

    private uint* _sqHead;
    private uint* _sqTail;
    private uint* _sqArray;
    private uint _sqMask;
    private uint _sqEntries;
    private uint* _cqHead;
    private uint* _cqTail;
    private uint _cqMask;
    private IoUringCqe* _cqes;

    private uint _localTail;   // SQEs prepared, published to the kernel at the next Enter
    private uint _unsubmitted; // of those, not yet consumed by io_uring_enter

    private IoUring()
    {
    }

    /// <summary>Sets up a ring of <paramref name="entries"/> SQEs, or returns null with the errno.</summary>
    public static IoUring? Create(uint entries, out int errno)
    {
        var ring = new IoUring();
        errno = ring.Setup(entries);
        if (errno != 0)
        {
            ring.Dispose();
            return null;
        }
        return ring;
    }

    private int Setup(uint entries)
    {
        IoUringParams parameters = default;
        // No SINGLE_ISSUER/DEFER_TASKRUN: the ring is created on the mounting thread and used on its own.
        parameters.Flags = IoUringParams.SetupSqe128;
        _fd = Libc.IoUringSetup(entries, &parameters);
        if (_fd < 0)
        {
            return Libc.Errno;
        }

        nuint sqSize = parameters.SqOff.Array + parameters.SqEntries * sizeof(uint);
        nuint cqSize = parameters.CqOff.Cqes + parameters.CqEntries * (nuint)sizeof(IoUringCqe);
        bool single = (parameters.Features & IoUringParams.FeatureSingleMmap) != 0;
        _ringsSize = single ? Math.Max(sqSize, cqSize) : sqSize;
        _rings = Map(_ringsSize, IoUringParams.OffsetSqRing);
        if (_rings == null)
        {
            return Libc.Errno;
        }
        if (single)
        {
            _cqRing = _rings;
        }
        else
        {
            _cqRingSize = cqSize;
            _cqRing = Map(cqSize, IoUringParams.OffsetCqRing);
            if (_cqRing == null)
            {
                return Libc.Errno;
            }
        }
        _sqesSize = parameters.SqEntries * (nuint)IoUringSqe.Size;
        _sqes = (IoUringSqe*)Map(_sqesSize, IoUringParams.OffsetSqes);
        if (_sqes == null)
        {
            return Libc.Errno;
        }

        _sqHead = (uint*)(_rings + parameters.SqOff.Head);
        _sqTail = (uint*)(_rings + parameters.SqOff.Tail);
        _sqArray = (uint*)(_rings + parameters.SqOff.Array);
        _sqMask = *(uint*)(_rings + parameters.SqOff.RingMask);
        _sqEntries = parameters.SqEntries;
        _cqHead = (uint*)(_cqRing + parameters.CqOff.Head);
        _cqTail = (uint*)(_cqRing + parameters.CqOff.Tail);
        _cqMask = *(uint*)(_cqRing + parameters.CqOff.RingMask);
        _cqes = (IoUringCqe*)(_cqRing + parameters.CqOff.Cqes);
        _localTail = *_sqTail;
        return 0;
    }

    private byte* Map(nuint size, long offset)
    {
        void* address = Libc.Mmap(null, size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED | Libc.MAP_POPULATE, _fd, offset);
        return address == (void*)-1 ? null : (byte*)address;
    }

    /// <summary>A zeroed SQE slot to fill in, or null when every slot is taken.</summary>
    public IoUringSqe* NextSqe()
    {
        uint head = Volatile.Read(ref *_sqHead);
        if (_localTail - head >= _sqEntries)
        {
            return null;
        }
        uint index = _localTail & _sqMask;
        IoUringSqe* sqe = (IoUringSqe*)((byte*)_sqes + (nuint)index * IoUringSqe.Size);
        Unsafe.InitBlockUnaligned(sqe, 0, IoUringSqe.Size);
        _sqArray[index] = index;
        _localTail++;
        _unsubmitted++;
        return sqe;
    }

    /// <summary>
    /// Publishes the prepared SQEs and waits until at least <paramref name="waitFor"/> completions are
    /// queued; returns how many SQEs the kernel consumed, or -errno (EINTR: call again, the SQEs not yet
    /// consumed stay pending).
    /// </summary>
    public int SubmitAndWait(uint waitFor)
    {
        Volatile.Write(ref *_sqTail, _localTail);
        int consumed = Libc.IoUringEnter(_fd, _unsubmitted, waitFor, waitFor > 0 ? IoUringParams.EnterGetEvents : 0);
        if (consumed < 0)
        {
            return -Libc.Errno;
        }
        _unsubmitted -= (uint)Math.Min(consumed, (int)_unsubmitted);
        return consumed;
    }

    /// <summary>Takes the oldest completion, if any.</summary>
    public bool TryTakeCompletion(out IoUringCqe completion)
    {
        if (!TryPeekCompletion(out completion))
        {
            return false;
        }
        Volatile.Write(ref *_cqHead, *_cqHead + 1);
        return true;
    }

    /// <summary>Reads the oldest completion, if any, and leaves it queued.</summary>
    public bool TryPeekCompletion(out IoUringCqe completion)
    {
        uint head = *_cqHead;
        if (head == Volatile.Read(ref *_cqTail))
        {
            completion = default;
            return false;
        }
        completion = _cqes[head & _cqMask];
        return true;
    }

    public void Dispose()
    {
        if (_sqes != null)
        {
            Libc.Munmap(_sqes, _sqesSize);
            _sqes = null;
        }
        if (_cqRing != null && _cqRing != _rings)
        {
            Libc.Munmap(_cqRing, _cqRingSize);
        }
        _cqRing = null;
        if (_rings != null)
        {
            Libc.Munmap(_rings, _ringsSize);
            _rings = null;
        }
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }
}
