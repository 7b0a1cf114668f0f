namespace CowStore.Core.Cow;

/// <summary>
/// The delta's copy of one inode's metadata: every inode created in the session, and every base
/// inode whose metadata or data changed. An inode without a record is read straight from the base.
/// </summary>
internal sealed class InodeRecord
{
    public ulong Ino;
    /// <summary>Full mode including S_IFMT.</summary>
    public uint Mode;
    public uint Uid;
    public uint Gid;
    /// <summary>Link count of non-directories (directories compute theirs from the listing).</summary>
    public uint Nlink;
    public ulong Rdev;
    public long AtimeSec, MtimeSec, CtimeSec;
    public uint AtimeNsec, MtimeNsec, CtimeNsec;
    /// <summary>Base path (relative to the base root) the inode came from; null for inodes created in the session.</summary>
    public string? Origin;
    /// <summary>Size of the base file at <see cref="Origin"/> (regular files), the BlockFile's base size.</summary>
    public long BaseSize;
    public byte[]? SymlinkTarget;
    public Dictionary<string, byte[]> Xattrs = new(StringComparer.Ordinal);

    /// <summary>Set by writes (without the namespace lock): times changed in memory but not yet journaled.</summary>
    public volatile bool TimesDirty;

    public uint Type => Mode & CowConstants.S_IFMT;

    public bool IsDirectory => Type == CowConstants.S_IFDIR;

    public bool IsRegular => Type == CowConstants.S_IFREG;

    public InodeRecord Clone()
    {
        var copy = (InodeRecord)MemberwiseClone();
        copy.Xattrs = new Dictionary<string, byte[]>(Xattrs, StringComparer.Ordinal);
        copy.TimesDirty = false;
        return copy;
    }

    /// <summary>Takes every persistent field of <paramref name="other"/>, keeping this object's identity (open files hold it).</summary>
    public void CopyFrom(InodeRecord other)
    {
        Mode = other.Mode;
        Uid = other.Uid;
        Gid = other.Gid;
        Nlink = other.Nlink;
        Rdev = other.Rdev;
        AtimeSec = other.AtimeSec;
        AtimeNsec = other.AtimeNsec;
        MtimeSec = other.MtimeSec;
        MtimeNsec = other.MtimeNsec;
        CtimeSec = other.CtimeSec;
        CtimeNsec = other.CtimeNsec;
        Origin = other.Origin;
        BaseSize = other.BaseSize;
        SymlinkTarget = other.SymlinkTarget;
        Xattrs = new Dictionary<string, byte[]>(other.Xattrs, StringComparer.Ordinal);
    }

    public void TouchModified()
    {
        (long sec, uint nsec) = CowClock.Now();
        MtimeSec = CtimeSec = sec;
        MtimeNsec = CtimeNsec = nsec;
    }

    public void TouchChanged()
    {
        (long sec, uint nsec) = CowClock.Now();
        CtimeSec = sec;
        CtimeNsec = nsec;
    }
}
