namespace CowStore.Fuse.Protocol;

/// <summary>/dev/fuse ioctls (<c>FUSE_DEV_IOC_MAGIC</c> 229), computed as <c>dir&lt;&lt;30 | size&lt;&lt;16 | 229&lt;&lt;8 | nr</c>.</summary>
internal static class DeviceIoctl
{
    /// <summary><c>_IOR(229, 0, uint32)</c>: attach a new /dev/fuse fd to an existing connection.</summary>
    public const uint Clone = 0x8004E500;

    /// <summary><c>_IOW(229, 1, struct fuse_backing_map)</c>: register a passthrough backing file.</summary>
    public const uint BackingOpen = 0x4010E501;

    /// <summary><c>_IOW(229, 2, uint32)</c>: release a backing id.</summary>
    public const uint BackingClose = 0x4004E502;
}
