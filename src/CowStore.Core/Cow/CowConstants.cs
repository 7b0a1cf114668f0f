namespace CowStore.Core.Cow;

/// <summary>Mode bits and flags the copy-on-write filesystem interprets itself.</summary>
internal static class CowConstants
{
    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;
    public const uint S_IFLNK = 0xA000;
    public const uint S_IFREG = 0x8000;
    public const uint S_IFBLK = 0x6000;
    public const uint S_IFDIR = 0x4000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFIFO = 0x1000;
    public const uint S_IWUSR = 0x80;
    public const uint S_ISUID = 0x800;
    public const uint S_ISGID = 0x400;

    public const uint RENAME_NOREPLACE = 1;
    public const uint RENAME_EXCHANGE = 2;

    public const int XATTR_CREATE = 1;
    public const int XATTR_REPLACE = 2;

    public const int NameMax = 255;
}
