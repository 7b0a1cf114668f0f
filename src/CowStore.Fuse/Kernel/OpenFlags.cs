namespace CowStore.Fuse.Kernel;

/// <summary>FOPEN_* bits of <see cref="FuseOpenOut.OpenFlags"/>.</summary>
[Flags]
public enum OpenFlags : uint
{
    DirectIo = 1 << 0,
    KeepCache = 1 << 1,
    NonSeekable = 1 << 2,
    CacheDir = 1 << 3,
    Stream = 1 << 4,
    NoFlush = 1 << 5,
    ParallelDirectWrites = 1 << 6,
    Passthrough = 1 << 7,
}
