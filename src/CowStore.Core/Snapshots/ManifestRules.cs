namespace CowStore.Core.Snapshots;

/// <summary>
/// What makes a manifest well formed, checked when it is written (a bug surfaces at commit, not at mount) and when
/// it is read (a damaged or hand-made file is refused). Each check returns null or a one-line reason.
/// </summary>
public static class ManifestRules
{
    public const int BlockSize = 4096;

    private const uint S_IFMT = 0xF000;

    /// <summary>"" (the root) or '/'-separated components, none empty, "." or "..", no leading or trailing '/', no NUL.</summary>
    public static bool IsValidPath(string path, bool allowRoot)
    {
        if (path.Length == 0)
        {
            return allowRoot;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        foreach (string component in path.Split('/'))
        {
            if (component is "" or "." or "..")
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Blocks a file of <paramref name="size"/> bytes has: ceil(size / 4096).</summary>
    public static long BlockCount(long size) => (size + BlockSize - 1) / BlockSize;

    /// <summary>Null when <paramref name="entry"/> is valid in a manifest naming <paramref name="packCount"/> packs, else why not.</summary>
    public static string? FindProblem(ManifestEntry entry, int packCount)
    {
        if (!IsValidPath(entry.Path, allowRoot: true))
        {
            return $"invalid path \"{entry.Path}\"";
        }
        if (!Enum.IsDefined(entry.Kind))
        {
            return $"unknown entry kind {(byte)entry.Kind}";
        }
        if (entry.Path.Length == 0 && entry.Kind != EntryKind.Directory)
        {
            return "the root must be a directory";
        }
        if (!ModeMatchesKind(entry.Mode & S_IFMT, entry.Kind))
        {
            return $"mode 0{Convert.ToString(entry.Mode, 8)} does not match kind {entry.Kind}";
        }
        if (entry.Opaque && entry.Kind != EntryKind.Directory)
        {
            return "only a directory can be opaque";
        }
        if ((entry.Kind == EntryKind.Symlink) != (entry.SymlinkTarget is not null))
        {
            return entry.Kind == EntryKind.Symlink ? "symlink without a target" : "symlink target on a non-symlink";
        }
        if (entry.AtimeNsec >= 1_000_000_000 || entry.MtimeNsec >= 1_000_000_000 || entry.CtimeNsec >= 1_000_000_000)
        {
            return "nanoseconds out of range";
        }
        if (entry.Size < 0)
        {
            return $"negative size {entry.Size}";
        }
        foreach ((string name, byte[] value) in entry.Xattrs)
        {
            if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || value is null)
            {
                return $"invalid xattr \"{name}\"";
            }
        }
        return entry.Kind == EntryKind.File ? FindRunProblem(entry, packCount) : entry.Runs.Count == 0 ? null : $"{entry.Kind} with content runs";
    }

    private static string? FindRunProblem(ManifestEntry entry, int packCount)
    {
        long covered = 0;
        foreach (ContentRun run in entry.Runs)
        {
            if (run.Count <= 0)
            {
                return $"run of {run.Count} blocks";
            }
            switch (run.Kind)
            {
                case RunKind.Zero:
                    break;
                case RunKind.Base:
                    if (run.BasePath is null || !IsValidPath(run.BasePath, allowRoot: false))
                    {
                        return $"base run with invalid path \"{run.BasePath}\"";
                    }
                    break;
                case RunKind.Stored:
                    if (run.Pack < 0 || run.Pack >= packCount)
                    {
                        return $"stored run names pack {run.Pack} of {packCount}";
                    }
                    if (run.FirstBlock < 0 || run.FirstBlock > long.MaxValue - run.Count)
                    {
                        return $"stored run starts at block {run.FirstBlock}";
                    }
                    break;
                default:
                    return $"unknown run kind {(byte)run.Kind}";
            }
            if (covered > long.MaxValue - run.Count)
            {
                return "runs overflow";
            }
            covered += run.Count;
        }
        long expected = BlockCount(entry.Size);
        return covered == expected ? null : $"runs cover {covered} blocks, size {entry.Size} needs {expected}";
    }

    private static bool ModeMatchesKind(uint format, EntryKind kind) => kind switch
    {
        EntryKind.Whiteout => format == 0,
        EntryKind.Directory => format == 0x4000,
        EntryKind.File => format == 0x8000,
        EntryKind.Symlink => format == 0xA000,
        EntryKind.Special => format is 0x1000 or 0x2000 or 0x6000 or 0xC000,
        _ => false,
    };
}
