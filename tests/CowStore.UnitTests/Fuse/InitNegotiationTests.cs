using CowStore.Fuse;
using CowStore.Fuse.Interop;
using CowStore.Fuse.Kernel;
using CowStore.Fuse.Protocol;
using Xunit;

namespace CowStore.UnitTests.Fuse;

public sealed class InitNegotiationTests
{
    private static FuseInitIn Kernel(FuseInitFlags offered, uint minor = 45) => new()
    {
        Major = 7,
        Minor = minor,
        MaxReadahead = 131072,
        Flags = (uint)((ulong)offered & 0xFFFF_FFFF),
        Flags2 = (uint)((ulong)offered >> 32),
    };

    private const FuseInitFlags Everything = (FuseInitFlags)((1UL << 43) - 1);

    [Fact]
    public void RepliesOnlyOfferedFlagsAndNeverLocks()
    {
        FuseInitOut reply = InitNegotiation.Negotiate(Kernel(Everything), new FuseMountOptions(), mayPassthrough: true, ringsReady: false, out FuseInitFlags flags);

        Assert.Equal(7U, reply.Major);
        Assert.Equal(45U, reply.Minor);
        Assert.False(flags.HasFlag(FuseInitFlags.PosixLocks));
        Assert.False(flags.HasFlag(FuseInitFlags.FlockLocks));
        Assert.False(flags.HasFlag(FuseInitFlags.AutoInvalData));
        Assert.False(flags.HasFlag(FuseInitFlags.SetxattrExt));
        Assert.True(flags.HasFlag(FuseInitFlags.ExplicitInvalData));
        Assert.True(flags.HasFlag(FuseInitFlags.HandleKillprivV2));
        Assert.True(flags.HasFlag(FuseInitFlags.Passthrough));
        Assert.False(flags.HasFlag(FuseInitFlags.WritebackCache));
        Assert.Equal(1U, reply.MaxStackDepth);
        Assert.Equal(256, reply.MaxPages);
        Assert.Equal(1U << 20, reply.MaxWrite);
        Assert.False(flags.HasFlag(FuseInitFlags.OverIoUring));
        Assert.Equal((ulong)flags, reply.Flags | ((ulong)reply.Flags2 << 32));

        InitNegotiation.Negotiate(Kernel(FuseInitFlags.AsyncRead), new FuseMountOptions(), mayPassthrough: true, ringsReady: false, out FuseInitFlags few);
        Assert.Equal(FuseInitFlags.AsyncRead | FuseInitFlags.InitExt, few);
    }

    [Fact]
    public void PassthroughNeedsCapabilityAndWritebackIsTheFallback()
    {
        var options = new FuseMountOptions { WritebackCache = true };
        InitNegotiation.Negotiate(Kernel(Everything), options, mayPassthrough: false, ringsReady: false, out FuseInitFlags unprivileged);
        Assert.False(unprivileged.HasFlag(FuseInitFlags.Passthrough));
        Assert.True(unprivileged.HasFlag(FuseInitFlags.WritebackCache));

        InitNegotiation.Negotiate(Kernel(Everything), options, mayPassthrough: true, ringsReady: false, out FuseInitFlags privileged);
        Assert.True(privileged.HasFlag(FuseInitFlags.Passthrough));
        Assert.False(privileged.HasFlag(FuseInitFlags.WritebackCache));

        InitNegotiation.Negotiate(Kernel(Everything), options with { Passthrough = false }, mayPassthrough: true, ringsReady: false, out FuseInitFlags off);
        Assert.False(off.HasFlag(FuseInitFlags.Passthrough));
        Assert.True(off.HasFlag(FuseInitFlags.WritebackCache));
    }

    [Fact]
    public void IoUringOnlyWhenOfferedWantedAndTheEntriesExist()
    {
        var options = new FuseMountOptions();
        InitNegotiation.Negotiate(Kernel(Everything), options, mayPassthrough: true, ringsReady: true, out FuseInitFlags ready);
        Assert.True(ready.HasFlag(FuseInitFlags.OverIoUring));
        Assert.True(InitNegotiation.WantsIoUring(Kernel(Everything), options));

        // The kernel offers it only with fuse.enable_uring=1; the options can turn it off.
        Assert.False(InitNegotiation.WantsIoUring(Kernel(Everything & ~FuseInitFlags.OverIoUring), options));
        InitNegotiation.Negotiate(Kernel(Everything & ~FuseInitFlags.OverIoUring), options, mayPassthrough: true, ringsReady: true, out FuseInitFlags notOffered);
        Assert.False(notOffered.HasFlag(FuseInitFlags.OverIoUring));
        Assert.False(InitNegotiation.WantsIoUring(Kernel(Everything), options with { IoUring = false }));
        InitNegotiation.Negotiate(Kernel(Everything), options with { IoUring = false }, mayPassthrough: true, ringsReady: true, out FuseInitFlags off);
        Assert.False(off.HasFlag(FuseInitFlags.OverIoUring));
    }

    [Fact]
    public void MinorIsTheLowerOfBoth()
    {
        Assert.Equal(38U, InitNegotiation.Negotiate(Kernel(Everything, minor: 38), new FuseMountOptions(), true, false, out _).Minor);
        Assert.Equal(45U, InitNegotiation.Negotiate(Kernel(Everything, minor: 46), new FuseMountOptions(), true, false, out _).Minor);
    }
}
