using CowStore.Fuse.Interop;
using CowStore.Fuse.Kernel;

namespace CowStore.Fuse.Protocol;

/// <summary>Chooses the INIT reply: only flags the kernel offered, never kernel-forwarded locks.</summary>
internal static class InitNegotiation
{
    public const uint Major = 7;
    public const uint OurMinor = 45;

    // HANDLE_KILLPRIV_V2 saves a GETXATTR security.capability round trip per write (see PrivilegeKill).
    // Locks (POSIX_LOCKS, FLOCK_LOCKS) stay off on purpose: the kernel then handles them locally, which is
    // correct on one host. AUTO_INVAL_DATA is replaced by EXPLICIT_INVAL_DATA: nothing else changes our files.
    private const FuseInitFlags Wanted =
        FuseInitFlags.AsyncRead | FuseInitFlags.BigWrites | FuseInitFlags.AtomicOTrunc |
        FuseInitFlags.DoReaddirplus | FuseInitFlags.ReaddirplusAuto | FuseInitFlags.ParallelDirops |
        FuseInitFlags.MaxPages | FuseInitFlags.AsyncDio | FuseInitFlags.ExplicitInvalData |
        FuseInitFlags.DirectIoAllowMmap | FuseInitFlags.HandleKillprivV2;

    public const ushort MaxBackground = 64;
    public const ushort CongestionThreshold = 48;

    /// <summary>The kernel offers FUSE over io_uring and the options ask for it.</summary>
    public static bool WantsIoUring(in FuseInitIn kernel, FuseMountOptions options) =>
        options.IoUring && Offered(kernel).HasFlag(FuseInitFlags.OverIoUring);

    public static FuseInitFlags Offered(in FuseInitIn kernel)
    {
        ulong flags = kernel.Flags;
        if ((flags & (ulong)FuseInitFlags.InitExt) != 0)
        {
            flags |= (ulong)kernel.Flags2 << 32;
        }
        return (FuseInitFlags)flags;
    }

    /// <param name="mayPassthrough">We hold CAP_SYS_ADMIN (the kernel checks it at BACKING_OPEN).</param>
    /// <param name="ringsReady">io_uring entries are set up to register (see <see cref="WantsIoUring"/>).</param>
    public static FuseInitOut Negotiate(in FuseInitIn kernel, FuseMountOptions options, bool mayPassthrough, bool ringsReady, out FuseInitFlags negotiated)
    {
        FuseInitFlags offered = Offered(kernel);
        FuseInitFlags flags = Wanted & offered;

        // Once agreed, the kernel holds every request until all queues have an entry registered (or a
        // registration fails), so only agree when the entries exist and only need registering.
        if (ringsReady && WantsIoUring(kernel, options))
        {
            flags |= FuseInitFlags.OverIoUring;
        }

        // Passthrough and the writeback cache exclude each other per connection; passthrough wins and the
        // writeback cache is the fallback when passthrough is unavailable.
        bool passthrough = options.Passthrough && mayPassthrough && offered.HasFlag(FuseInitFlags.Passthrough);
        if (passthrough)
        {
            flags |= FuseInitFlags.Passthrough;
        }
        else if (options.WritebackCache && offered.HasFlag(FuseInitFlags.WritebackCache))
        {
            flags |= FuseInitFlags.WritebackCache;
        }

        // INIT_EXT always: without it the kernel ignores flags2 (where PASSTHROUGH lives).
        flags |= FuseInitFlags.InitExt;
        negotiated = flags;

        return new FuseInitOut
        {
            Major = Major,
            Minor = Math.Min(kernel.Minor, OurMinor),
            MaxReadahead = kernel.MaxReadahead,
            Flags = (uint)((ulong)flags & 0xFFFF_FFFF),
            Flags2 = (uint)((ulong)flags >> 32),
            MaxBackground = MaxBackground,
            CongestionThreshold = CongestionThreshold,
            MaxWrite = (uint)options.MaxWrite,
            TimeGran = 1,
            MaxPages = (ushort)(options.MaxWrite / 4096),
            MaxStackDepth = passthrough ? 1u : 0u,
        };
    }
}
