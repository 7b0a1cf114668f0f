using System.Runtime.InteropServices;

namespace CowStore.Fuse.Interop.Uring;

/// <summary>
/// <c>struct fuse_uring_req_header</c> (288 bytes): one ring entry's header buffer. The kernel writes the
/// <c>fuse_in_header</c> into <see cref="InOutOffset"/> and the operation's first argument (its fixed-size
/// header, e.g. <c>fuse_read_in</c>) into <see cref="OpInOffset"/>; every further argument goes into the
/// entry's payload buffer. The reply's <c>fuse_out_header</c> goes back into <see cref="InOutOffset"/>
/// and its whole body into the payload buffer, with its length in <see cref="FuseUringEntInOut.PayloadSize"/>.
/// </summary>
internal static class FuseUringReqHeader
{
    public const int InOutOffset = 0;
    public const int OpInOffset = 128;
    public const int OpInSize = 128;
    public const int EntInOutOffset = 256;
    public const int Size = 288;
}

/// <summary><c>struct fuse_uring_ent_in_out</c> (32 bytes), at <see cref="FuseUringReqHeader.EntInOutOffset"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseUringEntInOut
{
    public ulong Flags;

    /// <summary>Names the request in the COMMIT_AND_FETCH that answers it.</summary>
    public ulong CommitId;

    /// <summary>Bytes of arguments in the payload buffer (request), or of the reply body (commit).</summary>
    public uint PayloadSize;
    public uint Padding;
    public ulong Reserved;
}

/// <summary><c>struct fuse_uring_cmd_req</c>: the command area of a FUSE URING_CMD SQE.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseUringCmdReq
{
    public ulong Flags;
    public ulong CommitId;
    public ushort QueueId;
    public ushort Padding0;
    public uint Padding1;

    /// <summary><c>FUSE_IO_URING_CMD_REGISTER</c>: hand the kernel an entry's buffers and wait for a request.</summary>
    public const uint Register = 1;

    /// <summary><c>FUSE_IO_URING_CMD_COMMIT_AND_FETCH</c>: answer the entry's request and wait for the next one.</summary>
    public const uint CommitAndFetch = 2;
}
