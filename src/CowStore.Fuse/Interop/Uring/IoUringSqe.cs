using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop.Uring;

/// <summary>
/// The fields of <c>struct io_uring_sqe</c> an IORING_OP_URING_CMD uses, in a 128-byte slot
/// (IORING_SETUP_SQE128): the command's own 80 bytes start at <see cref="CommandOffset"/>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct IoUringSqe
{
    public const int Size = 128;
    public const int CommandOffset = 48;
    public const byte OpUringCmd = 46;

    [FieldOffset(0)] public byte Opcode;
    [FieldOffset(1)] public byte Flags;
    [FieldOffset(2)] public ushort IoPrio;
    [FieldOffset(4)] public int Fd;
    [FieldOffset(8)] public uint CmdOp;
    [FieldOffset(12)] public uint Pad1;
    [FieldOffset(16)] public ulong Addr;
    [FieldOffset(24)] public uint Len;
    [FieldOffset(28)] public uint UringCmdFlags;
    [FieldOffset(32)] public ulong UserData;
}

/// <summary><c>struct io_uring_cqe</c> (16 bytes, no IORING_SETUP_CQE32).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoUringCqe
{
    public ulong UserData;
    public int Res;
    public uint Flags;
}
