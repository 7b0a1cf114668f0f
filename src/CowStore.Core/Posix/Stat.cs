using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

/// <summary>glibc <c>struct stat</c> on x86_64 (144 bytes); offsets are checked by a unit test.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Stat
{
    public ulong Dev;        // 0
    public ulong Ino;        // 8
    public ulong Nlink;      // 16
    public uint Mode;        // 24
    public uint Uid;         // 28
    public uint Gid;         // 32
    private readonly int _pad0;
    public ulong Rdev;       // 40
    public long Size;        // 48
    public long BlkSize;     // 56
    public long Blocks;      // 64, 512-byte units
    public TimeSpec Atime;   // 72
    public TimeSpec Mtime;   // 88
    public TimeSpec Ctime;   // 104
    private readonly long _reserved0, _reserved1, _reserved2;
}
