namespace CowStore.Core.Snapshots;

/// <summary>
/// Differences between any two trees by walking both and reading every file present on both sides with the same
/// type: for trees that share no base (or a live mount). Costs a full read; <see cref="SnapshotDiff"/> is the cheap path.
/// </summary>
public static class SnapshotTreeDiff
{
    private const int B = PackIndex.BlockSize;
    private const int Chunk = 256 * B;
    private const uint OwnerWrite = 0x80;

    /// <param name="presentedWritable">
    /// <paramref name="to"/> is a live session mount, which shows base objects with the owner's write bit added
    /// (a commit records them without it): that bit alone is no difference.
    /// </param>
    public static IReadOnlyList<DiffItem> Compare(SnapshotTree from, SnapshotTree to, bool presentedWritable = false, IProgress<long>? bytesRead = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        Dictionary<string, SnapshotTreeEntry> older = from.Walk().ToDictionary(e => e.Path, StringComparer.Ordinal);
        Dictionary<string, SnapshotTreeEntry> newer = to.Walk().ToDictionary(e => e.Path, StringComparer.Ordinal);
        var items = new List<DiffItem>();
        long read = 0;
        foreach (string path in older.Keys.Union(newer.Keys).Order(StringComparer.Ordinal))
        {
            older.TryGetValue(path, out SnapshotTreeEntry? a);
            newer.TryGetValue(path, out SnapshotTreeEntry? b);
            if (a is null)
            {
                items.Add(new DiffItem(path, DiffChange.Added, b!.Kind, b.Kind == SnapshotTreeKind.File ? b.Size : 0, ""));
                continue;
            }
            if (b is null)
            {
                items.Add(new DiffItem(path, DiffChange.Removed, a.Kind, a.Kind == SnapshotTreeKind.File ? a.Size : 0, ""));
                continue;
            }
            if (a.Kind != b.Kind)
            {
                items.Add(new DiffItem(path, DiffChange.Changed, b.Kind, b.Kind == SnapshotTreeKind.File ? b.Size : 0,
                    $"type {a.Kind.ToString().ToLowerInvariant()} -> {b.Kind.ToString().ToLowerInvariant()}"));
                continue;
            }
            var details = new List<string>();
            long changed = 0;
            if (a.Kind == SnapshotTreeKind.File)
            {
                changed = ChangedBytes(from, a, to, b, ref read, bytesRead);
                if (changed > 0)
                {
                    details.Add("content");
                }
                if (a.Size != b.Size)
                {
                    details.Add($"size {a.Size} -> {b.Size}");
                }
            }
            if (a.Permissions != b.Permissions && a.Kind != SnapshotTreeKind.Symlink && !(presentedWritable && b.Permissions == (a.Permissions | OwnerWrite)))
            {
                details.Add($"mode {Convert.ToString(a.Permissions, 8)} -> {Convert.ToString(b.Permissions, 8)}");
            }
            if (a.Kind == SnapshotTreeKind.Symlink && !from.ReadLink(path).AsSpan().SequenceEqual(to.ReadLink(path)))
            {
                details.Add("target");
            }
            SortedDictionary<string, byte[]> xa = from.ReadXattrs(a);
            SortedDictionary<string, byte[]> xb = to.ReadXattrs(b);
            if (xa.Count != xb.Count || xa.Any(x => !xb.TryGetValue(x.Key, out byte[]? v) || !v.AsSpan().SequenceEqual(x.Value)))
            {
                details.Add("xattrs");
            }
            if (details.Count > 0)
            {
                items.Add(new DiffItem(path, DiffChange.Changed, b.Kind, changed, string.Join(", ", details)));
            }
        }
        return items;
    }

    /// <summary>4 KiB blocks whose bytes differ, × 4 KiB, capped at the larger size.</summary>
    private static long ChangedBytes(SnapshotTree from, SnapshotTreeEntry a, SnapshotTree to, SnapshotTreeEntry b, ref long read, IProgress<long>? progress)
    {
        long size = Math.Max(a.Size, b.Size);
        byte[] left = new byte[Chunk];
        byte[] right = new byte[Chunk];
        long changed = 0;
        using SnapshotTreeFile fa = from.OpenFile(a);
        using SnapshotTreeFile fb = to.OpenFile(b);
        for (long offset = 0; offset < size; offset += Chunk)
        {
            int length = (int)Math.Min(Chunk, size - offset);
            ReadPadded(fa, left.AsSpan(0, length), offset);
            ReadPadded(fb, right.AsSpan(0, length), offset);
            for (int at = 0; at < length; at += B)
            {
                int n = Math.Min(B, length - at);
                bool beyond = offset + at >= Math.Min(a.Size, b.Size);
                if (beyond || !left.AsSpan(at, n).SequenceEqual(right.AsSpan(at, n)))
                {
                    changed += n;
                }
            }
            read += 2L * length;
            progress?.Report(read);
        }
        return changed;
    }

    private static void ReadPadded(SnapshotTreeFile file, Span<byte> destination, long offset)
    {
        if (offset >= file.Size)
        {
            destination.Clear();
            return;
        }
        file.Read(destination, offset);
    }
}
