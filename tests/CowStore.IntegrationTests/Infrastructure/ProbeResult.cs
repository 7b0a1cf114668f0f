namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// One posix-probe answer: <c>ok [value]</c> or <c>error ERRNO syscall</c> (see native/posix-probe.c).
/// </summary>
internal sealed record ProbeResult(ProcessResult Process)
{
    private string FirstLine => Process.Stdout.Split('\n', 2)[0].Trim();

    public bool IsOk => Process.ExitCode == 0 && FirstLine.StartsWith("ok", StringComparison.Ordinal);

    /// <summary>The errno name of a failed call, "OK" on success.</summary>
    public string ErrnoName => IsOk ? "OK" : Process.ExitCode == 1 && FirstLine.StartsWith("error ", StringComparison.Ordinal)
        ? FirstLine.Split(' ')[1]
        : throw new Xunit.Sdk.XunitException($"posix-probe did not answer in its format: {Process}");

    /// <summary>What follows "ok ".</summary>
    public string Value => IsOk ? FirstLine.Length > 2 ? FirstLine[3..] : "" : throw new Xunit.Sdk.XunitException($"expected ok: {Process}");

    public ProbeResult ShouldSucceed()
    {
        if (!IsOk)
        {
            throw new Xunit.Sdk.XunitException($"expected success: {Process}");
        }
        return this;
    }

    public ProbeResult ShouldFailWith(string errnoName)
    {
        if (ErrnoName != errnoName)
        {
            throw new Xunit.Sdk.XunitException($"expected {errnoName}, got {ErrnoName}: {Process}");
        }
        return this;
    }

    public override string ToString() => Process.ToString();
}
