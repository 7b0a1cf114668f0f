namespace CowStore.Fuse;

/// <summary>How <see cref="FuseServer.Mount"/> mounts and negotiates a connection.</summary>
public sealed record FuseMountOptions
{
    /// <summary>Shown as the source in /proc/self/mountinfo.</summary>
    public string FsName { get; init; } = "cowstore";

    /// <summary>Mount type becomes <c>fuse.&lt;Subtype&gt;</c>.</summary>
    public string Subtype { get; init; } = "cowstore";

    /// <summary>Let other users see the mount (needs <c>user_allow_other</c> in /etc/fuse.conf when unprivileged).</summary>
    public bool AllowOther { get; init; }

    /// <summary>Let the kernel check permissions from the attributes we return (mount option <c>default_permissions</c>).</summary>
    public bool DefaultPermissions { get; init; } = true;

    /// <summary>Negotiate FUSE_WRITEBACK_CACHE (never together with passthrough).</summary>
    public bool WritebackCache { get; init; }

    /// <summary>Negotiate FUSE_PASSTHROUGH when the kernel offers it and we hold CAP_SYS_ADMIN.</summary>
    public bool Passthrough { get; init; } = true;

    /// <summary>
    /// Serve requests through FUSE over io_uring when the kernel offers it (Linux 6.14+, module parameter
    /// <c>fuse.enable_uring=1</c>): a queue per CPU, served on that CPU. /dev/fuse readers stay for what the
    /// ring does not carry (FORGET, INTERRUPT) and take over if registration fails.
    /// </summary>
    public bool IoUring { get; init; } = true;

    /// <summary>io_uring entries (each with its own pinned thread) per online CPU: requests a CPU serves at once.</summary>
    public int RingEntriesPerCpu { get; init; } = 2;

    /// <summary>Dedicated reader threads, each on its own cloned /dev/fuse fd.</summary>
    public int ReaderThreads { get; init; } = Math.Clamp(Environment.ProcessorCount, 2, 8);

    /// <summary>Largest WRITE payload (and READ size) asked of the kernel.</summary>
    public int MaxWrite { get; init; } = 1 << 20;

    /// <summary>Mount through fusermount3 even when running as root (tests of the unprivileged path).</summary>
    public bool ForceFusermount { get; init; }

    /// <summary>Ask fusermount3 to unmount when the daemon dies (fusermount3 path only).</summary>
    public bool AutoUnmount { get; init; } = true;

    /// <summary>Where handler exceptions and protocol warnings are logged; null means standard error.</summary>
    public TextWriter? Log { get; init; }
}
