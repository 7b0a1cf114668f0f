using CowStore.Fuse.Kernel;

namespace CowStore.Fuse.Protocol;

/// <summary>
/// FUSE_HANDLE_KILLPRIV_V2: the kernel stops asking for <c>security.capability</c> before every write (one
/// GETXATTR round trip per write otherwise, because FUSE inodes never become S_NOSEC) and instead flags the
/// requests that must drop set-user-ID and set-group-ID: writes and truncates by a caller without
/// CAP_FSETID, opens with O_TRUNC, and every chown of a non-directory. The filesystem stays unaware: the
/// dispatcher applies the rule with GETATTR + SETATTR(mode), as the kernel itself would have.
/// </summary>
internal static class PrivilegeKill
{
    /// <summary>FUSE_WRITE_KILL_SUIDGID in <c>fuse_write_in.write_flags</c>.</summary>
    public const uint WriteFlag = 1 << 2;

    /// <summary>FUSE_OPEN_KILL_SUIDGID in <c>fuse_open_in.open_flags</c>.</summary>
    public const uint OpenFlag = 1 << 0;

    private const uint SetUid = 0x800;
    private const uint SetGid = 0x400;
    private const uint GroupExecute = 0x8;
    private const uint TypeMask = 0xF000;
    private const uint Regular = 0x8000;

    /// <summary>
    /// The mode without set-user-ID, and without set-group-ID when group-executable (without group execute
    /// the bit marks mandatory locking and stays, as in the VFS).
    /// </summary>
    public static uint Killed(uint mode)
    {
        uint killed = mode & ~SetUid;
        if ((mode & (SetGid | GroupExecute)) == (SetGid | GroupExecute))
        {
            killed &= ~SetGid;
        }
        return killed;
    }

    /// <summary>True when <paramref name="mode"/> is a regular file that loses bits to <see cref="Killed"/>.</summary>
    public static bool Applies(uint mode) => (mode & TypeMask) == Regular && Killed(mode) != mode;

    /// <summary>
    /// Drops the bits of <paramref name="node"/> if it has any; 0 or -errno. The kernel still caches the old
    /// mode (no SETATTR of its own went out), so a change also drops its cached attributes (attributes only:
    /// offset -1 takes no page or inode lock, safe while this node's request is being answered).
    /// </summary>
    public static int Apply(IFuseFileSystem fs, FuseConnection? connection, in FuseRequest request, ulong node, ulong fh)
    {
        FuseAttrOut current = default;
        int result = fs.GetAttr(in request, node, fh, ref current);
        if (result < 0 || !Applies(current.Attr.Mode))
        {
            return result < 0 ? result : 0;
        }
        var set = new FuseSetAttrIn { Valid = (uint)SetAttrValid.Mode, Mode = Killed(current.Attr.Mode) };
        result = fs.SetAttr(in request, node, in set, ref current);
        if (result < 0)
        {
            return result;
        }
        connection?.NotifyInvalidateInode(node, -1, 0);
        return 0;
    }
}
