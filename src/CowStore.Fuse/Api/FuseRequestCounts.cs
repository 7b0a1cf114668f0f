namespace CowStore.Fuse;

/// <summary>Requests a <see cref="FuseServer"/> answered, by transport.</summary>
/// <param name="DevFuse">Through /dev/fuse reads and writes (everything without io_uring; FORGET and INTERRUPT with it).</param>
/// <param name="IoUringByQueue">Through FUSE over io_uring, per kernel queue (queue i serves callers running on CPU i); empty without io_uring.</param>
public sealed record FuseRequestCounts(long DevFuse, IReadOnlyList<long> IoUringByQueue);
