using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

/// <summary>glibc <c>struct stat</c> on x86_64 (144 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatBuffer
{
    public ulong Dev;
    public ulong Ino;
    public ulong Nlink;
    public uint Mode;
    public uint Uid;
    public uint Gid;
    private readonly int _pad0;
    public ulong Rdev;
    public long Size;
    public long BlkSize;
    public long Blocks; // 512-byte units
    public TimeSpec Atime;
    public TimeSpec Mtime;
    public TimeSpec Ctime;
    private readonly long _reserved0, _reserved1, _reserved2;

    public readonly uint FileType => Mode & PosixConstants.S_IFMT;
    public readonly uint Permissions => Mode & 0xFFF;
}
