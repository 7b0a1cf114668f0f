namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// <c>cowstore mount &lt;base&gt; &lt;mnt&gt; --foreground</c> with a private <c>COWSTORE_HOME</c>: the
/// copy-on-write view. The seeded files are the base, made read-only the way a /nix/store path is
/// (files 0444, directories 0555), so every test that changes a seeded file changes base data
/// through the delta. Unprivileged runs go through fusermount3 on their own (mount has no
/// --unprivileged switch: it takes the root path only when it is root). With
/// <c>writebackCache</c> the mount runs with <c>--writeback-cache</c> (kernel-cached writes, no passthrough).
/// </summary>
public class CowMountBackend : DaemonMountBackend
{
    private readonly bool _allowOther;
    private readonly bool _writebackCache;
    private string? _source;
    private string _baseDigest = "";

    public CowMountBackend(IEnumerable<string> testNames, bool allowOther = false, bool writebackCache = false)
        : base(KindOf(allowOther, writebackCache), testNames)
    {
        _allowOther = allowOther;
        _writebackCache = writebackCache;
        Start();
    }

    public override string Name => string.Join(' ', new[] { "cow", _allowOther ? "--allow-other" : "", _writebackCache ? "--writeback-cache" : "" }.Where(part => part.Length > 0));

    private static string KindOf(bool allowOther, bool writebackCache) =>
        "cow" + (allowOther ? "-allow-other" : "") + (writebackCache ? "-writeback" : "");

    protected override void ConfigureEnvironment(IDictionary<string, string?> environment, string workDirectory)
    {
        string home = Path.Combine(workDirectory, "state");
        Directory.CreateDirectory(home);
        environment["COWSTORE_HOME"] = home;
    }

    protected override void PrepareSource(string source, string workDirectory)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            Sys.Chmod(file, 0x124); // 0444
        }
        foreach (string dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Append(source))
        {
            Sys.Chmod(dir, 0x16D); // 0555
        }
        _source = source;
        _baseDigest = TreeDigest.Of(source);
    }

    /// <summary>Besides the daemon being alive: the base must be byte-identical to what was seeded.</summary>
    public override void CheckHealth()
    {
        base.CheckHealth();
        if (_source is not null && TreeDigest.Of(_source) != _baseDigest)
        {
            throw new InvalidOperationException($"the read-only base {_source} changed under the copy-on-write mount");
        }
    }

    protected override IEnumerable<string> DaemonArguments(string source, string mountPoint, string workDirectory)
    {
        yield return "mount";
        yield return source;
        yield return mountPoint;
        yield return "--foreground";
        if (_allowOther)
        {
            yield return "--allow-other";
        }
        if (_writebackCache)
        {
            yield return "--writeback-cache";
        }
    }
}
