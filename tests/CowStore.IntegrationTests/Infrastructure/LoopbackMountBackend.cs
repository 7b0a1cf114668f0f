namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// <c>cowstore loopback &lt;source&gt; &lt;mnt&gt; --no-io-uring</c>: the FUSE layer mirroring a directory, so
/// any difference from <see cref="PlainDirectoryBackend"/> is a FUSE-layer bug. Unprivileged test runs
/// pass <c>--unprivileged</c> (fusermount3 path). It serves through /dev/fuse, so that transport keeps the
/// whole conformance and model suites while the copy-on-write mounts use FUSE over io_uring.
/// </summary>
public class LoopbackMountBackend : DaemonMountBackend
{
    private readonly bool _allowOther;

    public LoopbackMountBackend(IEnumerable<string> testNames, bool allowOther = false)
        : base(allowOther ? "loopback-allow-other" : "loopback", testNames)
    {
        _allowOther = allowOther;
        Start();
    }

    public override string Name => _allowOther ? "loopback --allow-other" : "loopback";

    protected override IEnumerable<string> DaemonArguments(string source, string mountPoint, string workDirectory)
    {
        yield return "loopback";
        yield return source;
        yield return mountPoint;
        yield return "--no-io-uring";
        if (_allowOther)
        {
            yield return "--allow-other";
        }
        if (!RunningAsRoot)
        {
            yield return "--unprivileged";
        }
    }
}
