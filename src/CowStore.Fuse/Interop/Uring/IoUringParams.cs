using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop.Uring;

/// <summary><c>struct io_uring_params</c> (120 bytes): io_uring_setup's argument and answer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoUringParams
{
    public uint SqEntries;
    public uint CqEntries;
    public uint Flags;
    public uint SqThreadCpu;
    public uint SqThreadIdle;
    public uint Features;
    public uint WqFd;
    public uint Resv0;
    public uint Resv1;
    public uint Resv2;
    public IoSqringOffsets SqOff;
    public IoCqringOffsets CqOff;

    /// <summary>SQEs are 128 bytes: URING_CMD gets an 80-byte command area (FUSE's needs it).</summary>
    public const uint SetupSqe128 = 1u << 10;

    /// <summary>The SQ and CQ rings share one mapping.</summary>
    public const uint FeatureSingleMmap = 1u << 0;

    /// <summary>io_uring_enter flag: wait for min_complete completions.</summary>
    public const uint EnterGetEvents = 1u << 0;

    public const long OffsetSqRing = 0;
    public const long OffsetCqRing = 0x8000000;
    public const long OffsetSqes = 0x10000000;
}

/// <summary><c>struct io_sqring_offsets</c>: where the SQ ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoSqringOffsets
{
    public uint Head;
    public uint Tail;
    public uint RingMask;
    public uint RingEntries;
    public uint Flags;
    public uint Dropped;
    public uint Array;
    public uint Resv1;
    public ulong UserAddr;
}

/// <summary><c>struct io_cqring_offsets</c>: where the CQ ring's fields sit in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoCqringOffsets
{
    public uint Head;
    public uint Tail;
    public uint RingMask;
    public uint RingEntries;
    public uint Overflow;
    public uint Cqes;
    public uint Flags;
    public uint Resv1;
    public ulong UserAddr;
}
