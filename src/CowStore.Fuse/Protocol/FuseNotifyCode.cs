namespace CowStore.Fuse.Protocol;

/// <summary><c>enum fuse_notify_code</c>: the <c>error</c> field of an unsolicited message.</summary>
internal static class FuseNotifyCode
{
    public const int InvalInode = 2;
    public const int InvalEntry = 3;
}
