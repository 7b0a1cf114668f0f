namespace CowStore.Core.Snapshots;

/// <summary>
/// Re-checks the store from the bytes up: every manifest decodes and hashes to its directory's name, every block a
/// snapshot needs is present and matches its SHA-256, every base is still what was registered. Each problem is one
/// line that starts with the damaged object's path relative to the store. Read-only; takes no lock (a snapshot that
/// gc removes meanwhile is skipped, not reported).
/// </summary>
public static class StoreVerifier
{
    private const int MaxUsesShown = 2;
    private const int MaxBlockProblemsPerPack = 20; // one line per block up to here, then a count: a wiped pack is one story
    private const int ProgressEveryBlocks = 256; // report every MiB

    /// <param name="snapshotId">One snapshot (its manifest, packs and base), or null for the whole store.</param>
    /// <param name="bytesChecked">Progress: block bytes re-hashed so far.</param>
    public static IReadOnlyList<string> Verify(SnapshotStore store, string? snapshotId, IProgress<long>? bytesChecked = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var problems = new List<string>();
        var packs = new Dictionary<string, PackReader?>(StringComparer.Ordinal);
        var manifests = new Dictionary<string, Manifest>(StringComparer.Ordinal);
        var basesToCheck = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            IReadOnlyList<string> snapshots = snapshotId is null ? store.SnapshotIds() : [snapshotId];
            if (snapshotId is not null && !store.Contains(snapshotId))
            {
                problems.Add($"snapshots/{snapshotId}: missing");
                return problems;
            }
            foreach (string id in snapshots)
            {
                if (VerifySnapshot(store, id, packs, problems) is { } manifest)
                {
                    manifests[id] = manifest;
                    basesToCheck.Add(manifest.BaseId);
                }
            }
            IEnumerable<string> packIds = snapshotId is null ? store.PackIds().Union(packs.Keys, StringComparer.Ordinal) : packs.Keys.ToList();
            long hashed = 0;
            foreach (string packId in packIds.Order(StringComparer.Ordinal))
            {
                hashed = VerifyPack(store, packId, packs, manifests, problems, hashed, bytesChecked);
            }
            if (snapshotId is null)
            {
                basesToCheck.UnionWith(store.BaseIds());
                VerifyTags(store, problems);
            }
            foreach (string baseId in basesToCheck)
            {
                VerifyBase(store, baseId, problems);
            }
        }
        finally
        {
            foreach (PackReader? reader in packs.Values)
            {
                reader?.Dispose();
            }
        }
        return problems;
    }

    private static Manifest? VerifySnapshot(SnapshotStore store, string id, Dictionary<string, PackReader?> packs, List<string> problems)
    {
        string where = $"snapshots/{id}";
        Manifest manifest;
        try
        {
            manifest = store.ReadManifest(id);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            if (store.Contains(id))
            {
                problems.Add($"{where}/{SnapshotStore.ManifestFileName}: {StripPath(e.Message)}");
            }
            return null;
        }
        try
        {
            SnapshotRecord record = store.ReadRecord(id);
            if (record.BaseId != manifest.BaseId || record.ParentId != manifest.ParentId)
            {
                problems.Add($"{where}/{SnapshotStore.RecordFileName}: base or parent differs from the manifest's");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{where}/{SnapshotStore.RecordFileName}: {StripPath(e.Message)}");
        }
        if (manifest.ParentId is { } parent && !store.Contains(parent))
        {
            problems.Add($"{where}: parent snapshot {parent} is missing");
        }
        if (!store.ContainsBase(manifest.BaseId))
        {
            problems.Add($"{where}: base {manifest.BaseId} is not registered (bases/{manifest.BaseId}.json missing)");
        }
        bool complete = true;
        var readers = new PackReader?[manifest.Packs.Count];
        for (int i = 0; i < manifest.Packs.Count; i++)
        {
            readers[i] = OpenPack(store, manifest.Packs[i], packs, problems, id);
            complete &= readers[i] is not null;
        }
        foreach (ManifestEntry entry in manifest.Entries.Values)
        {
            foreach (ContentRun run in entry.Runs)
            {
                if (run.Kind == RunKind.Stored && readers[run.Pack] is { } reader && run.FirstBlock + run.Count > reader.BlockCount)
                {
                    problems.Add($"{where}/{SnapshotStore.ManifestFileName}: file \"{entry.Path}\" uses blocks {run.FirstBlock}..{run.FirstBlock + run.Count - 1} of pack {reader.Id}, which has {reader.BlockCount}");
                    complete = false;
                }
            }
        }
        if (complete)
        {
            string actual = SnapshotIdentity.ComputeId(manifest, (pack, block, sha256) => readers[pack]!.CopyDigest(block, sha256));
            if (actual != id)
            {
                problems.Add($"{where}: content hashes to {actual} (manifest or pack index altered)");
            }
        }
        return manifest;
    }

    private static PackReader? OpenPack(SnapshotStore store, string packId, Dictionary<string, PackReader?> packs, List<string> problems, string? usedBy)
    {
        if (packs.TryGetValue(packId, out PackReader? known))
        {
            if (known is null && usedBy is not null)
            {
                problems.Add($"snapshots/{usedBy}: needs pack {packId}, which is missing or damaged");
            }
            return known;
        }
        PackReader? reader = null;
        string suffix = usedBy is null ? "" : $" (needed by snapshot {usedBy})";
        try
        {
            reader = PackReader.Open(store.PacksDirectory, packId);
        }
        catch (FileNotFoundException)
        {
            problems.Add($"packs/{packId}{(File.Exists(PackIndex.IndexPath(store.PacksDirectory, packId)) ? PackIndex.PackExtension : PackIndex.IndexExtension)}: missing{suffix}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"packs/{packId}{PackIndex.IndexExtension}: {StripPath(e.Message)}{suffix}");
        }
        packs[packId] = reader;
        return reader;
    }

    private static long VerifyPack(SnapshotStore store, string packId, Dictionary<string, PackReader?> packs, Dictionary<string, Manifest> manifests,
        List<string> problems, long hashed, IProgress<long>? bytesChecked)
    {
        PackReader? reader = OpenPack(store, packId, packs, problems, usedBy: null);
        if (reader is null)
        {
            return hashed;
        }
        string where = $"packs/{packId}{PackIndex.PackExtension}";
        byte[] buffer = new byte[PackIndex.BlockSize];
        long damaged = 0;
        for (long block = 0; block < reader.BlockCount; block++)
        {
            if (reader.CheckBlock(block, buffer) is { } problem && ++damaged <= MaxBlockProblemsPerPack)
            {
                problems.Add($"{where} block {block}: {problem}{UsesOf(packId, block, manifests)}");
            }
            hashed += PackIndex.BlockSize;
            if (block % ProgressEveryBlocks == ProgressEveryBlocks - 1 || block == reader.BlockCount - 1)
            {
                bytesChecked?.Report(hashed);
            }
        }
        if (damaged > MaxBlockProblemsPerPack)
        {
            problems.Add($"{where}: {damaged - MaxBlockProblemsPerPack} more damaged blocks ({damaged} of {reader.BlockCount} in all)");
        }
        long length = new FileInfo(PackIndex.PackPath(store.PacksDirectory, packId)).Length;
        if (length > reader.BlockCount * PackIndex.BlockSize)
        {
            problems.Add($"{where}: {length - reader.BlockCount * PackIndex.BlockSize} bytes past its last block");
        }
        return hashed;
    }

    /// <summary>" (used by snapshot X file \"f\")" for the first snapshots whose files read this block; cheap because it only runs for damage.</summary>
    private static string UsesOf(string packId, long block, Dictionary<string, Manifest> manifests)
    {
        var uses = new List<string>();
        foreach ((string id, Manifest manifest) in manifests)
        {
            int pack = manifest.Packs.IndexOf(packId);
            if (pack < 0)
            {
                continue;
            }
            foreach (ManifestEntry entry in manifest.Entries.Values)
            {
                if (entry.Runs.Any(r => r.Kind == RunKind.Stored && r.Pack == pack && block >= r.FirstBlock && block < r.FirstBlock + r.Count))
                {
                    uses.Add($"snapshot {id} file \"{entry.Path}\"");
                    break;
                }
            }
        }
        return uses.Count == 0 ? "" : $" (used by {string.Join(", ", uses.Take(MaxUsesShown))}{(uses.Count > MaxUsesShown ? $" and {uses.Count - MaxUsesShown} more" : "")})";
    }

    private static void VerifyBase(SnapshotStore store, string baseId, List<string> problems)
    {
        if (!store.ContainsBase(baseId))
        {
            return; // reported with the snapshot that needs it
        }
        try
        {
            if (SnapshotStore.CheckBase(store.ReadBase(baseId)) is { } problem)
            {
                problems.Add($"bases/{baseId}.json: {problem}");
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"bases/{baseId}.json: {StripPath(e.Message)}");
        }
    }

    private static void VerifyTags(SnapshotStore store, List<string> problems)
    {
        foreach (string path in Directory.EnumerateFiles(store.TagsDirectory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (!SnapshotStore.IsValidTagName(name))
            {
                continue;
            }
            try
            {
                string? id = store.ReadTag(name);
                if (id is not null && store.Find(id) is null)
                {
                    problems.Add($"tags/{name}: points at {id}, which is not in the store");
                }
            }
            catch (InvalidDataException)
            {
                problems.Add($"tags/{name}: does not hold an id");
            }
        }
    }

    /// <summary>Exception messages start with the absolute path; the problem line names the object relative to the store already.</summary>
    private static string StripPath(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && message.StartsWith('/') ? message[(colon + 2)..] : message;
    }
}
