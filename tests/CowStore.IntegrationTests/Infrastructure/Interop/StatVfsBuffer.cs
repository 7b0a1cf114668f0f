using System.Runtime.InteropServices;

namespace CowStore.IntegrationTests.Infrastructure.Interop;

/// <summary>glibc <c>struct statvfs</c> on x86_64 (112 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StatVfsBuffer
{
    public ulong BlockSize;
    public ulong FragmentSize;
    public ulong Blocks;
    public ulong BlocksFree;
    public ulong BlocksAvailable;
    public ulong Files;
    public ulong FilesFree;
    public ulong FilesAvailable;
    public ulong FsId;
    public ulong Flags;
    public ulong NameMax;
    private readonly int _spare0, _spare1, _spare2, _spare3, _spare4, _spare5;
}
