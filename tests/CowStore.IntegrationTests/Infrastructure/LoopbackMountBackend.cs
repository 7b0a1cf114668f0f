namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// <c>cowstore loopback &lt;source&gt; &lt;mnt&gt;</c>: the FUSE layer mirroring a directory, so any
/// difference from <see cref="PlainDirectoryBackend"/> is a FUSE-layer bug. Unprivileged test runs
/// pass <c>--unprivileged</c> (fusermount3 path).
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
