using System.Security.Cryptography;
using CowStore.Core.Cow;
using CowStore.Core.Posix;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Differences between two sides over the same external base, from their cumulative manifests: only paths a
/// manifest names (and base paths below an entry that hides them) can differ, and file content compares by run
/// values (same base block, same stored digest, zeros) without reading any data. Cost follows the manifests,
/// not the size of the tree.
/// </summary>
public static class SnapshotDiff
{
    private const int B = PackIndex.BlockSize;
    private static readonly byte[] ZeroBlockDigest = SHA256.HashData(new byte[B]);

    /// <exception cref="ArgumentException">The sides lie on different bases (compare them with <see cref="SnapshotTreeDiff"/>).</exception>
    public static IReadOnlyList<DiffItem> Compare(SnapshotDiffSide from, SnapshotDiffSide to, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.BaseId != to.BaseId)
        {
            throw new ArgumentException($"{from.Label} and {to.Label} lie on different bases");
        }
        var external = new BaseTree(Path.TrimEndingDirectorySeparator(baseDirectory));
        var older = new Resolver(from, external);
        var newer = new Resolver(to, external);
        var candidates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Manifest manifest in new[] { from.Manifest, to.Manifest }.OfType<Manifest>())
        {
            foreach (ManifestEntry entry in manifest.Entries.Values)
            {
                candidates.Add(entry.Path);
                if (entry.Kind != EntryKind.Directory || entry.Opaque)
                {
                    AddBaseSubtree(external, entry.Path, candidates);
                }
            }
        }
        var items = new List<DiffItem>();
        foreach (string path in candidates)
        {
            if (Compare(path, older.Find(path), newer.Find(path), from.Digests, to.Digests) is { } item)
            {
                items.Add(item);
            }
        }
        return items;
    }

    private static DiffItem? Compare(string path, Side? a, Side? b, DigestSource da, DigestSource db)
    {
        if (a is null && b is null)
        {
            return null;
        }
        if (a is null)
        {
            return new DiffItem(path, DiffChange.Added, b!.Kind, b.Kind == SnapshotTreeKind.File ? b.Size : 0, "");
        }
        if (b is null)
        {
            return new DiffItem(path, DiffChange.Removed, a.Kind, a.Kind == SnapshotTreeKind.File ? a.Size : 0, "");
        }
        if (a.Kind != b.Kind)
        {
            return new DiffItem(path, DiffChange.Changed, b.Kind, b.Kind == SnapshotTreeKind.File ? b.Size : 0, $"type {a.Kind.ToString().ToLowerInvariant()} -> {b.Kind.ToString().ToLowerInvariant()}");
        }
        long changed = a.Kind == SnapshotTreeKind.File ? ChangedBytes(a, b, da, db) : 0;
        var details = new List<string>();
        if (changed > 0)
        {
            details.Add("content");
        }
        if (a.Size != b.Size && a.Kind == SnapshotTreeKind.File)
        {
            details.Add($"size {a.Size} -> {b.Size}");
        }
        if (a.Permissions != b.Permissions)
        {
            details.Add($"mode {Convert.ToString(a.Permissions, 8)} -> {Convert.ToString(b.Permissions, 8)}");
        }
        if (a.Kind == SnapshotTreeKind.Symlink && !a.Target.AsSpan().SequenceEqual(b.Target))
        {
            details.Add("target");
        }
        if (a.Kind == SnapshotTreeKind.Special && a.Rdev != b.Rdev)
        {
            details.Add("device");
        }
        if (!SameXattrs(a.Xattrs, b.Xattrs))
        {
            details.Add("xattrs");
        }
        return details.Count == 0 ? null : new DiffItem(path, DiffChange.Changed, b.Kind, changed, string.Join(", ", details));
    }

    /// <summary>Blocks whose run values differ, × 4 KiB, capped at the larger size.</summary>
    private static long ChangedBytes(Side a, Side b, DigestSource da, DigestSource db)
    {
        long size = Math.Max(a.Size, b.Size);
        long blocks = (size + B - 1) / B;
        var left = new RunCursor(a.Runs);
        var right = new RunCursor(b.Runs);
        Span<byte> digestA = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> digestB = stackalloc byte[SHA256.HashSizeInBytes];
        long changed = 0;
        long block = 0;
        while (block < blocks)
        {
            ContentRun? ra = left.At(block, out long endA);
            ContentRun? rb = right.At(block, out long endB);
            long end = Math.Min(blocks, Math.Min(endA, endB));
            if (ra is { Kind: RunKind.Stored } && rb is not null || rb is { Kind: RunKind.Stored } && ra is not null)
            {
                for (long i = block; i < end; i++)
                {
                    if (!SameBlock(ra, rb, i - left.Start, i - right.Start, da, db, digestA, digestB))
                    {
                        changed += Math.Min(B, size - i * B);
                    }
                }
            }
            else if (!SameBlock(ra, rb, 0, 0, da, db, digestA, digestB))
            {
                changed += Math.Min(end * B, size) - block * B; // uniform runs: the whole segment differs or none of it
            }
            block = end;
        }
        return changed;
    }

    private static bool SameBlock(ContentRun? a, ContentRun? b, long inA, long inB, DigestSource da, DigestSource db, Span<byte> digestA, Span<byte> digestB)
    {
        if (a is null || b is null)
        {
            return false;
        }
        ContentRun x = a.Value;
        ContentRun y = b.Value;
        switch (x.Kind, y.Kind)
        {
            case (RunKind.Zero, RunKind.Zero):
                return true;
            case (RunKind.Base, RunKind.Base):
                return x.BasePath == y.BasePath;
            case (RunKind.Stored, RunKind.Stored):
                da(x.Pack, x.FirstBlock + inA, digestA);
                db(y.Pack, y.FirstBlock + inB, digestB);
                return digestA.SequenceEqual(digestB);
            case (RunKind.Stored, RunKind.Zero):
                da(x.Pack, x.FirstBlock + inA, digestA);
                return digestA.SequenceEqual(ZeroBlockDigest);
            case (RunKind.Zero, RunKind.Stored):
                db(y.Pack, y.FirstBlock + inB, digestB);
                return digestB.SequenceEqual(ZeroBlockDigest);
            default:
                return false; // a base block against another source: counted as changed without reading it
        }
    }

    private static bool SameXattrs(IReadOnlyDictionary<string, byte[]> a, IReadOnlyDictionary<string, byte[]> b) =>
        a.Count == b.Count && a.All(x => b.TryGetValue(x.Key, out byte[]? value) && value.AsSpan().SequenceEqual(x.Value));

    private static void AddBaseSubtree(BaseTree external, string path, SortedSet<string> candidates)
    {
        if (external.Lstat(path, out Stat stat) != 0 || (stat.Mode & S_IFMT) != S_IFDIR)
        {
            return;
        }
        foreach (string name in external.List(path, out int error))
        {
            if (error != 0)
            {
                break;
            }
            string child = BaseTree.Child(path, name);
            candidates.Add(child);
            AddBaseSubtree(external, child, candidates);
        }
    }

    /// <summary>Walks a run list by block number; the run holding a block and where it ends (null past the last run).</summary>
    private sealed class RunCursor(IReadOnlyList<ContentRun> runs)
    {
        private int _index;

        /// <summary>First block of the run last returned.</summary>
        public long Start { get; private set; }

        public ContentRun? At(long block, out long end)
        {
            while (_index < runs.Count && Start + runs[_index].Count <= block)
            {
                Start += runs[_index].Count;
                _index++;
            }
            if (_index >= runs.Count)
            {
                end = long.MaxValue;
                return null;
            }
            end = Start + runs[_index].Count;
            return runs[_index];
        }
    }

    /// <summary>One path as a side sees it.</summary>
    private sealed record Side(SnapshotTreeKind Kind, uint Permissions, long Size, ulong Rdev, byte[]? Target, IReadOnlyDictionary<string, byte[]> Xattrs, IReadOnlyList<ContentRun> Runs);

    /// <summary>A path of one side: its manifest entry, hidden, or the base object (the same rules as the mounted tree).</summary>
    private sealed class Resolver(SnapshotDiffSide side, BaseTree external)
    {
        private readonly SortedDictionary<string, ManifestEntry> _entries = side.Manifest?.Entries ?? new SortedDictionary<string, ManifestEntry>(StringComparer.Ordinal);

        public Side? Find(string path)
        {
            if (_entries.TryGetValue(path, out ManifestEntry? entry))
            {
                return entry.Kind == EntryKind.Whiteout ? null : FromEntry(entry);
            }
            for (string ancestor = path; ancestor.Length > 0;)
            {
                int slash = ancestor.LastIndexOf('/');
                ancestor = slash < 0 ? "" : ancestor[..slash];
                if (_entries.TryGetValue(ancestor, out ManifestEntry? above) && (above.Kind != EntryKind.Directory || above.Opaque))
                {
                    return null;
                }
            }
            if (external.Lstat(path, out Stat stat) != 0)
            {
                return null;
            }
            SnapshotTreeKind kind = KindOf(stat.Mode);
            byte[]? target = null;
            if (kind == SnapshotTreeKind.Symlink)
            {
                _ = external.ReadLink(path, out target);
            }
            // As a mount shows base objects (owner-writable), which is also how commits record the modes they keep.
            return new Side(kind, (stat.Mode & 0xFFF) | 0x80, kind == SnapshotTreeKind.File ? stat.Size : 0, stat.Rdev, target,
                external.ReadXattrs(path, stat.Mode & S_IFMT),
                kind == SnapshotTreeKind.File ? [ContentRun.FromBase(path, (stat.Size + B - 1) / B)] : []);
        }

        private static Side FromEntry(ManifestEntry entry) => new(
            KindOf(entry.Mode), entry.Mode & 0xFFF, entry.Kind == EntryKind.File ? entry.Size : 0, entry.Rdev, entry.SymlinkTarget, entry.Xattrs, entry.Runs);

        private static SnapshotTreeKind KindOf(uint mode) => (mode & S_IFMT) switch
        {
            S_IFDIR => SnapshotTreeKind.Directory,
            S_IFREG => SnapshotTreeKind.File,
            S_IFLNK => SnapshotTreeKind.Symlink,
            _ => SnapshotTreeKind.Special,
        };
    }
}
