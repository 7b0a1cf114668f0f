using CowStore.Fuse;

namespace CowStore.Core.Snapshots;

/// <summary>What a gc run freed (or, for a dry run, would free).</summary>
public sealed record GcReport
{
    public bool DryRun { get; init; }

    public IReadOnlyList<string> SnapshotsFreed { get; init; } = [];

    public IReadOnlyList<string> PacksFreed { get; init; } = [];

    public IReadOnlyList<string> BasesForgotten { get; init; } = [];

    /// <summary>Work files of dead processes removed from tmp/.</summary>
    public int TmpEntriesFreed { get; init; }

    /// <summary>Bytes of snapshot directories, packs, base records and tmp/ leftovers freed.</summary>
    public long BytesFreed { get; init; }

    public int LiveSnapshots { get; init; }

    public int LivePacks { get; init; }

    /// <summary>Roots (or ancestors of roots) that were not in the store: reported, never fatal.</summary>
    public IReadOnlyList<string> MissingSnapshots { get; init; } = [];
}

/// <summary>
/// Frees what no root needs. Live = the root snapshots, every tag, and all their ancestors; their manifests name the
/// live packs and bases (plus the root bases). Everything else goes, in an order that keeps the store consistent if
/// the process dies at any point (running gc again finishes the job):
/// dead snapshot directories are renamed into tmp/ (one atomic step each; snapshots/ fsynced) before anything they
/// used is deleted; dead packs lose their .idx (the completeness mark; packs/ fsynced) before their .pack; base
/// records are just records (the base directories themselves are never touched); tmp/ leftovers of dead processes
/// go last. Runs under the store lock.
/// </summary>
public static class GarbageCollector
{
    /// <exception cref="InvalidDataException">A live manifest is damaged: gc cannot know which packs it needs, so it frees nothing.</exception>
    public static GcReport Run(SnapshotStore store, IEnumerable<string> rootSnapshotIds, IEnumerable<string> rootBaseIds, bool dryRun, IProgress<long>? bytesFreed = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        using IDisposable held = store.AcquireLock(SnapshotStore.DefaultLockTimeout);

        var roots = new List<string>();
        var liveBases = new HashSet<string>(rootBaseIds, StringComparer.Ordinal);
        // Tags name snapshots or bases; a session directly on a base may be passed as a snapshot root too.
        foreach (string root in rootSnapshotIds.Concat(store.ListTags().Values))
        {
            if (store.ContainsBase(root))
            {
                liveBases.Add(root);
            }
            else
            {
                roots.Add(root);
            }
        }
        var liveSnapshots = new HashSet<string>(StringComparer.Ordinal);
        var livePacks = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (string root in roots)
        {
            for (string? id = root; id is not null && !liveSnapshots.Contains(id);)
            {
                if (!store.Contains(id))
                {
                    missing.Add(id);
                    break;
                }
                Manifest manifest = store.ReadManifest(id);
                liveSnapshots.Add(id);
                livePacks.UnionWith(manifest.Packs);
                liveBases.Add(manifest.BaseId);
                id = manifest.ParentId;
            }
        }

        var progress = new FreedBytes(bytesFreed);
        List<string> deadSnapshots = FreeSnapshots(store, liveSnapshots, dryRun, progress);
        List<string> deadPacks = FreePacks(store, livePacks, dryRun, progress);
        List<string> deadBases = FreeBases(store, liveBases, dryRun, progress);
        int tmpEntries = FreeTmp(store, dryRun, progress);
        return new GcReport
        {
            DryRun = dryRun,
            SnapshotsFreed = deadSnapshots,
            PacksFreed = deadPacks,
            BasesForgotten = deadBases,
            TmpEntriesFreed = tmpEntries,
            BytesFreed = progress.Total,
            LiveSnapshots = liveSnapshots.Count,
            LivePacks = livePacks.Count,
            MissingSnapshots = missing.Distinct(StringComparer.Ordinal).ToList(),
        };
    }

    private static List<string> FreeSnapshots(SnapshotStore store, HashSet<string> live, bool dryRun, FreedBytes progress)
    {
        // Children before parents: the descendants of a dead snapshot are dead too, so deleting deepest first means a
        // kill at any point never leaves a snapshot whose parent is gone.
        var dead = store.SnapshotIds().Where(id => !live.Contains(id)).ToList();
        var depth = dead.ToDictionary(id => id, id => DepthOf(store, id), StringComparer.Ordinal);
        dead = [.. dead.OrderByDescending(id => depth[id]).ThenBy(id => id, StringComparer.Ordinal)];
        var graveyard = new List<(string Path, long Bytes)>();
        foreach (string id in dead)
        {
            string directory = store.SnapshotDirectory(id);
            long bytes = SizeOf(directory);
            if (dryRun)
            {
                progress.Add(bytes);
                continue;
            }
            string moved = Path.Combine(store.TmpDirectory, TempNames.New("gc"));
            DurableFiles.Rename(directory, moved);
            graveyard.Add((moved, bytes));
        }
        if (graveyard.Count > 0)
        {
            // Gone from snapshots/ for good before any pack they used is deleted.
            DurableFiles.SyncDirectory(store.SnapshotsDirectory);
        }
        foreach ((string path, long bytes) in graveyard)
        {
            Directory.Delete(path, recursive: true);
            progress.Add(bytes);
        }
        return dead;
    }

    /// <summary>How many ancestors a snapshot has in the store (a damaged or missing record ends the chain).</summary>
    private static int DepthOf(SnapshotStore store, string id)
    {
        int depth = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        string? current = id;
        while (current is not null)
        {
            try
            {
                current = store.ReadRecord(current).ParentId;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                break;
            }
            if (current is null || !seen.Add(current) || !store.Contains(current))
            {
                break;
            }
            depth++;
        }
        return depth;
    }

    private static List<string> FreePacks(SnapshotStore store, HashSet<string> live, bool dryRun, FreedBytes progress)
    {
        // Every pack-shaped file, complete (.idx present) or not: an .idx-less .pack is an interrupted publication or deletion.
        var files = Directory.EnumerateFiles(store.PacksDirectory)
            .Select(path => (Path: path, Id: Path.GetFileNameWithoutExtension(path), Extension: Path.GetExtension(path)))
            .Where(f => SnapshotId.IsValid(f.Id) && f.Extension is PackIndex.PackExtension or PackIndex.IndexExtension && !live.Contains(f.Id))
            .ToList();
        var dead = files.Select(f => f.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        long bytes = files.Sum(f => new FileInfo(f.Path).Length);
        if (dryRun || files.Count == 0)
        {
            progress.Add(bytes);
            return dead;
        }
        // The .idx marks a complete pack: remove every mark durably before any data, so a crash never leaves a
        // "complete" pack without its blocks (a later commit could deduplicate against it).
        foreach (var index in files.Where(f => f.Extension == PackIndex.IndexExtension))
        {
            progress.Add(Delete(index.Path));
        }
        DurableFiles.SyncDirectory(store.PacksDirectory);
        foreach (var pack in files.Where(f => f.Extension == PackIndex.PackExtension))
        {
            progress.Add(Delete(pack.Path));
        }
        DurableFiles.SyncDirectory(store.PacksDirectory);
        return dead;
    }

    private static List<string> FreeBases(SnapshotStore store, HashSet<string> live, bool dryRun, FreedBytes progress)
    {
        var dead = store.BaseIds().Where(id => !live.Contains(id)).ToList();
        foreach (string id in dead)
        {
            string record = Path.Combine(store.BasesDirectory, id + ".json");
            progress.Add(dryRun ? new FileInfo(record).Length : Delete(record));
        }
        if (!dryRun && dead.Count > 0)
        {
            DurableFiles.SyncDirectory(store.BasesDirectory);
        }
        return dead;
    }

    private static int FreeTmp(SnapshotStore store, bool dryRun, FreedBytes progress)
    {
        int freed = 0;
        foreach (string entry in Directory.EnumerateFileSystemEntries(store.TmpDirectory).ToList())
        {
            int? owner = TempNames.OwnerPid(entry);
            if (owner is { } pid && (pid == Environment.ProcessId || IsAlive(pid)))
            {
                continue; // a running commit's work (in this or another process)
            }
            long bytes = Directory.Exists(entry) ? SizeOf(entry) : new FileInfo(entry).Length;
            if (!dryRun)
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            progress.Add(bytes);
            freed++;
        }
        return freed;
    }

    private static bool IsAlive(int pid) => Libc.Kill(pid, 0) == 0 || Libc.Errno == Errno.EPERM;

    private static long Delete(string path)
    {
        long bytes = new FileInfo(path).Length;
        File.Delete(path);
        return bytes;
    }

    private static long SizeOf(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    private sealed class FreedBytes(IProgress<long>? progress)
    {
        public long Total { get; private set; }

        public void Add(long bytes)
        {
            Total += bytes;
            progress?.Report(Total);
        }
    }
}
