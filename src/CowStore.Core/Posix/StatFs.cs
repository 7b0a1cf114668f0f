using System.Runtime.InteropServices;

namespace CowStore.Core.Posix;

/// <summary>glibc <c>struct statfs</c> on x86_64 (120 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatFs
{
    public long Type;
    public long BlockSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
    public ulong Files;
    public ulong FilesFree;
    public ulong FsId;
    public long NameLength;
    public long FragmentSize;
    public long Flags;
    private readonly long _spare0, _spare1, _spare2, _spare3;
}
