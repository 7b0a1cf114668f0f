using CowStore.IntegrationTests.Infrastructure;
using Xunit;

namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>
/// A cowstore session mounted by a test. Dispose leaves nothing behind whatever state the session
/// is in: <c>cowstore umount</c>, then (daemon hung or killed) SIGKILL to the daemon we recorded,
/// <c>fusermount3 -u -z</c> and <c>umount -l</c>.
/// </summary>
internal sealed class CowStoreSession : IDisposable
{
    private readonly CowStoreCli _cli;
    private readonly bool _allowOther;
    private int? _lastDaemonPid;

    private CowStoreSession(CowStoreCli cli, string basePath, string mountPoint, string name, bool allowOther)
    {
        _cli = cli;
        _allowOther = allowOther;
        BasePath = basePath;
        MountPoint = mountPoint;
        Name = name;
    }

    public static CowStoreSession Mount(CowStoreCli cli, string basePath, string mountPoint, bool allowOther)
    {
        var mounted = new CowStoreSession(cli, basePath, mountPoint, cli.Mount(basePath, mountPoint, allowOther: allowOther), allowOther);
        mounted.AssertMounted();
        return mounted;
    }

    /// <summary>What the session was mounted over: a base directory or a snapshot id.</summary>
    public string BasePath { get; }

    public string MountPoint { get; }

    public string Name { get; }

    public bool IsMounted => MountInfo.IsMounted(MountPoint);

    /// <summary><c>cowstore mount --session NAME</c>: resumes this session (after umount or a crash).</summary>
    public void Resume()
    {
        string name = _cli.Mount(BasePath, MountPoint, Name, _allowOther);
        Assert.Equal(Name, name);
        AssertMounted();
    }

    public void Umount()
    {
        _cli.Umount(Name);
        Assert.False(IsMounted, $"{MountPoint} is still in /proc/self/mountinfo after cowstore umount");
    }

    /// <summary>
    /// <c>cowstore commit</c>: a point-in-time snapshot while mounted (the mount keeps running), what
    /// rests on disk when detached. Returns the snapshot's id.
    /// </summary>
    public string Commit(string message) => _cli.Commit(Name, message);

    /// <summary><c>cowstore discard --yes</c>: drops the changes since the last commit (since the base if it never committed); a mounted session stays mounted.</summary>
    public void Discard() => _cli.Discard(Name);

    public SessionStatus Status() => _cli.Status(Name);

    public long DeltaBytes => Status().DeltaBytes;

    /// <summary>The daemon's pid as status reports it.</summary>
    public int DaemonPid()
    {
        SessionStatus status = Status();
        int pid = status.Pid ?? throw new Xunit.Sdk.XunitException($"status reports no pid for mounted session {Name}: {status}");
        _lastDaemonPid = pid;
        return pid;
    }

    private void AssertMounted()
    {
        SessionStatus status = Status();
        Assert.True(status.State == "mounted", $"session {Name} should be mounted: {status}");
        Assert.True(IsMounted, $"{MountPoint} is not in /proc/self/mountinfo although cowstore mount succeeded");
        _lastDaemonPid = status.Pid;
    }

    public void Dispose()
    {
        string? failure = null;
        if (IsMounted)
        {
            try
            {
                _cli.Umount(Name);
            }
            catch (Exception e)
            {
                failure = $"cowstore umount {Name} failed during cleanup: {e.Message}";
            }
        }
        if (IsMounted && _lastDaemonPid is int pid && ProcessTree.IsAlive(pid))
        {
            ProcessTree.Kill(pid, TimeSpan.FromSeconds(10));
            failure ??= $"the daemon of {Name} (pid {pid}) had to be killed";
        }
        if (IsMounted)
        {
            ProcessRunner.Run("fusermount3", ["-u", "-z", MountPoint]);
        }
        if (IsMounted)
        {
            ProcessRunner.Run("umount", ["-l", MountPoint]);
        }
        if (failure is not null)
        {
            throw new InvalidOperationException(failure);
        }
    }
}
