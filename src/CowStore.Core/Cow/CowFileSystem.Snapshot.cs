using System.Security.Cryptography;
using CowStore.Core.Cow.Blocks;
using CowStore.Core.Posix;
using CowStore.Core.Snapshots;
using static CowStore.Core.Cow.CowConstants;

namespace CowStore.Core.Cow;

// Commit: the view's content at one point in time as a cumulative manifest against the external base.
public sealed partial class CowFileSystem
{
    /// <summary>
    /// Freezes the view (data writes and metadata operations wait), makes the session durable, and describes its
    /// content as a manifest against the external base, putting every block that differs from the lower into
    /// <paramref name="sink"/>. Only what the session or the lower snapshot changed is visited, so the cost
    /// follows the changes, not the size of the tree.
    /// </summary>
    /// <exception cref="IOException">Syncing the session or reading a block failed.</exception>
    internal Manifest CaptureManifest(string baseId, string? parentId, IBlockSink sink, IProgress<long>? progress = null)
    {
        _freeze.EnterWriteLock();
        try
        {
            lock (_ns)
            {
                if (_closed)
                {
                    throw new ObjectDisposedException(nameof(CowFileSystem));
                }
                SyncForCapture();
                var capture = new ManifestCapture(this, baseId, parentId, sink, progress);
                return capture.Run();
            }
        }
        finally
        {
            _freeze.ExitWriteLock();
        }
    }

    /// <summary>The point in time is a durable one: every file synced, pending times journaled, the journal synced.</summary>
    private void SyncForCapture()
    {
        foreach (FileData data in _data.Values)
        {
            if (data.Blocks.IsModified)
            {
                ThrowOnError(data.Blocks.Sync(dataOnly: false), "sync a file of");
            }
        }
        ThrowOnError(JournalDirtyTimes(_state.Inodes.Values), "journal times in");
        ThrowOnError(_journal.Sync(), "sync the journal of");
    }

    private void ThrowOnError(int rc, string what)
    {
        if (rc != 0)
        {
            throw new IOException($"cannot {what} the session delta {_deltaDirectory}: errno {-rc}", -rc);
        }
    }

    /// <summary>One capture's walk; all calls run under the freeze and _ns.</summary>
    private sealed class ManifestCapture(CowFileSystem fs, string baseId, string? parentId, IBlockSink sink, IProgress<long>? progress)
    {
        private const int B = BlockFile.BlockSize;
        private readonly Dictionary<string, ManifestEntry> _lowerEntries = fs._lowerSnapshot is null
            ? new(StringComparer.Ordinal)
            : new(fs._lowerSnapshot.Manifest.Entries, StringComparer.Ordinal);
        private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, ManifestEntry> _entries = new(StringComparer.Ordinal);
        private readonly List<string> _packs = [];
        private readonly Dictionary<string, int> _packIndex = new(StringComparer.Ordinal);
        private readonly Dictionary<string, IBlockSource?> _externalFiles = new(StringComparer.Ordinal);
        private readonly byte[] _block = new byte[B];
        private readonly byte[] _other = new byte[B];
        private readonly byte[] _digest = new byte[SHA256.HashSizeInBytes];
        private long _bytesHashed;

        public Manifest Run()
        {
            try
            {
                MarkTouched();
                WalkDirectory(fs._rootIno, "", "", displaced: false);
                return new Manifest { BaseId = baseId, ParentId = parentId, Packs = _packs, Entries = _entries };
            }
            finally
            {
                foreach (IBlockSource? file in _externalFiles.Values)
                {
                    file?.Dispose();
                }
            }
        }

        /// <summary>Directories (lower paths) below which something may differ from the external base.</summary>
        private void MarkTouched()
        {
            _touched.Add("");
            foreach (InodeRecord record in fs._state.Inodes.Values)
            {
                if (record.Origin is not null)
                {
                    MarkWithAncestors(Parent(record.Origin));
                    if (record.IsDirectory)
                    {
                        MarkWithAncestors(record.Origin);
                    }
                }
            }
            foreach (ManifestEntry entry in _lowerEntries.Values)
            {
                MarkWithAncestors(entry.Kind == EntryKind.Directory ? entry.Path : Parent(entry.Path));
            }
        }

        private void MarkWithAncestors(string path)
        {
            while (_touched.Add(path) && path.Length > 0)
            {
                path = Parent(path);
            }
        }

        private static string Parent(string path)
        {
            int slash = path.LastIndexOf('/');
            return slash < 0 ? "" : path[..slash];
        }

        private void WalkDirectory(ulong ino, string? origin, string path, bool displaced)
        {
            Check(fs.ListEntries(ino, origin, out IReadOnlyDictionary<string, DirEntry> children), path);
            bool externalDirectory = fs._external.Lstat(path, out Stat external) == 0 && (external.Mode & S_IFMT) == S_IFDIR;
            if (externalDirectory)
            {
                List<string> names = fs._external.List(path, out int rc);
                Check(rc, path);
                foreach (string name in names)
                {
                    if (!children.ContainsKey(name))
                    {
                        string gone = BaseTree.Child(path, name);
                        _entries[gone] = new ManifestEntry { Path = gone, Kind = EntryKind.Whiteout };
                    }
                }
            }
            foreach ((string name, DirEntry child) in children.ToList())
            {
                string childPath = BaseTree.Child(path, name);
                bool childDisplaced = displaced || child.Origin != childPath;
                bool changed = childDisplaced || fs._state.Inodes.ContainsKey(child.Ino) || _lowerEntries.ContainsKey(childPath);
                if (child.Type == S_IFDIR)
                {
                    if (changed || fs._state.Directories.ContainsKey(child.Ino) || _touched.Contains(childPath))
                    {
                        WalkDirectory(child.Ino, child.Origin, childPath, childDisplaced);
                    }
                }
                else if (changed)
                {
                    AddNonDirectory(child, childPath);
                }
            }
            AddDirectory(ino, origin, path, externalDirectory ? external : null);
        }

        private void AddDirectory(ulong ino, string? origin, string path, Stat? external)
        {
            ViewObject view = Describe(ino, origin, path);
            ManifestEntry entry = Entry(view, path, EntryKind.Directory, external, size: 0, runs: [], opaque: external is null);
            Keep(entry, external);
        }

        private void AddNonDirectory(DirEntry child, string path)
        {
            ViewObject view = Describe(child.Ino, child.Origin, path);
            Stat? external = fs._external.Lstat(path, out Stat stat) == 0 && (stat.Mode & S_IFMT) == view.Type ? stat : null;
            EntryKind kind = view.Type switch
            {
                S_IFREG => EntryKind.File,
                S_IFLNK => EntryKind.Symlink,
                _ => EntryKind.Special,
            };
            List<ContentRun> runs = kind == EntryKind.File ? ContentRuns(child.Ino, view, path, external) : [];
            Keep(Entry(view, path, kind, external, view.Size, runs, opaque: false), external);
        }

        /// <summary>
        /// The manifest entry for an object of the view, with the mode the view shows. Presented owners (the mount shows
        /// base objects as the caller's) are taken back off when they are exactly what the mount added.
        /// </summary>
        private ManifestEntry Entry(ViewObject view, string path, EntryKind kind, Stat? external, long size, IReadOnlyList<ContentRun> runs, bool opaque)
        {
            uint mode = view.Mode;
            uint uid = view.Uid;
            uint gid = view.Gid;
            if (external is Stat e && !fs._options.PreserveOwnership)
            {
                uid = uid == fs._options.OwnerUid ? e.Uid : uid;
                gid = gid == fs._options.OwnerGid ? e.Gid : gid;
            }
            return new ManifestEntry
            {
                Path = path,
                Kind = kind,
                Mode = mode,
                Uid = uid,
                Gid = gid,
                Rdev = kind == EntryKind.Special ? view.Rdev : 0,
                AtimeSec = view.Atime.Sec,
                AtimeNsec = (uint)view.Atime.Nsec,
                MtimeSec = view.Mtime.Sec,
                MtimeNsec = (uint)view.Mtime.Nsec,
                CtimeSec = view.Ctime.Sec,
                CtimeNsec = (uint)view.Ctime.Nsec,
                Opaque = opaque,
                SymlinkTarget = view.SymlinkTarget,
                Xattrs = new SortedDictionary<string, byte[]>(view.Xattrs, StringComparer.Ordinal),
                Size = kind == EntryKind.File ? size : 0,
                Runs = runs,
            };
        }

        /// <summary>Adds the entry unless the external base already shows exactly it; marked MetadataOnly when only times or owners differ.</summary>
        private void Keep(ManifestEntry entry, Stat? external)
        {
            if (!IsSameAsExternal(entry, external, out bool metadataOnly))
            {
                _entries[entry.Path] = entry;
            }
            else if (metadataOnly)
            {
                _entries[entry.Path] = entry with { MetadataOnly = true };
            }
        }

        /// <summary>Whether the entry adds nothing over the external base; <paramref name="metadataOnly"/>: only times or owners differ.</summary>
        private bool IsSameAsExternal(ManifestEntry entry, Stat? external, out bool metadataOnly)
        {
            metadataOnly = false;
            // The owner write bit a mount adds to base objects is not a change of mode.
            if (external is not Stat e || entry.Opaque
                || !(entry.Mode == e.Mode || (!fs._options.PreserveOwnership && entry.Mode == (e.Mode | S_IWUSR))))
            {
                return false;
            }
            if (entry.Kind == EntryKind.File
                && !(entry.Size == e.Size && (entry.Runs.Count == 0 || entry.Runs is [{ Kind: RunKind.Base } only] && only.BasePath == entry.Path)))
            {
                return false;
            }
            if (entry.Kind == EntryKind.Special && entry.Rdev != e.Rdev)
            {
                return false;
            }
            if (entry.Kind == EntryKind.Symlink
                && !(fs._external.ReadLink(entry.Path, out byte[] target) == 0 && target.AsSpan().SequenceEqual(entry.SymlinkTarget)))
            {
                return false;
            }
            if (!SameXattrs(entry.Xattrs, fs._external.ReadXattrs(entry.Path, e.Mode & S_IFMT)))
            {
                return false;
            }
            bool sameMetadata = entry.Uid == e.Uid && entry.Gid == e.Gid
                && entry.MtimeSec == e.Mtime.Sec && entry.MtimeNsec == e.Mtime.Nsec
                && entry.CtimeSec == e.Ctime.Sec && entry.CtimeNsec == e.Ctime.Nsec;
            metadataOnly = !sameMetadata;
            return true;
        }

        private static bool SameXattrs(SortedDictionary<string, byte[]> a, Dictionary<string, byte[]> b)
        {
            if (a.Count != b.Count)
            {
                return false;
            }
            foreach ((string name, byte[] value) in a)
            {
                if (!b.TryGetValue(name, out byte[]? other) || !value.AsSpan().SequenceEqual(other))
                {
                    return false;
                }
            }
            return true;
        }

        private sealed record ViewObject(uint Type, uint Mode, uint Uid, uint Gid, ulong Rdev, long Size, TimeSpec Atime, TimeSpec Mtime, TimeSpec Ctime, byte[]? SymlinkTarget, Dictionary<string, byte[]> Xattrs, string? Origin);

        /// <summary>What the view shows for an object: its session record, or the lower object at its origin.</summary>
        private ViewObject Describe(ulong ino, string? origin, string path)
        {
            if (fs._state.Inodes.TryGetValue(ino, out InodeRecord? record))
            {
                long size = 0;
                if (record.IsRegular)
                {
                    Check(fs.GetData(ino, record.Origin, out FileData data), path);
                    size = data.Blocks.Size;
                }
                return new ViewObject(record.Type, record.Mode, record.Uid, record.Gid, record.Rdev, size,
                    new TimeSpec { Sec = record.AtimeSec, Nsec = record.AtimeNsec },
                    new TimeSpec { Sec = record.MtimeSec, Nsec = record.MtimeNsec },
                    new TimeSpec { Sec = record.CtimeSec, Nsec = record.CtimeNsec },
                    record.SymlinkTarget, record.Xattrs, record.Origin);
            }
            if (origin is null)
            {
                throw new IOException($"the session delta has no record for the new object {path}");
            }
            Check(fs._base.Lstat(origin, out Stat stat), path);
            uint type = stat.Mode & S_IFMT;
            byte[]? target = null;
            if (type == S_IFLNK)
            {
                Check(fs._base.ReadLink(origin, out target), path);
            }
            // The mode as the view shows it (base objects with the owner write bit), like a record would hold it.
            return new ViewObject(type, fs.PresentMode(stat.Mode, origin), stat.Uid, stat.Gid, stat.Rdev, stat.Size, stat.Atime, stat.Mtime, stat.Ctime,
                target, fs._base.ReadXattrs(origin, type), origin);
        }

        /// <summary>
        /// The file's blocks as runs. A block still read from the lower keeps the lower's run; any other block is
        /// read and named canonically: the lower's value if equal, else the external file at the same path if equal,
        /// else zeros, else its SHA-256 (stored once). So the same content gives the same runs whatever the write order.
        /// </summary>
        private List<ContentRun> ContentRuns(ulong ino, ViewObject view, string path, Stat? external)
        {
            IReadOnlyList<ContentRun> lower = LowerRuns(view.Origin);
            var runs = new RunListBuilder();
            long blocks = BlockMapState.BlockCountFor(view.Size);
            FileData? data = null;
            if (fs._state.Inodes.ContainsKey(ino))
            {
                Check(fs.GetData(ino, view.Origin, out FileData opened), path);
                data = opened;
            }
            (long size, long baseLimit) = data is null ? (view.Size, view.Size) : data.Blocks.Shape;
            long lowerBlocks = RunBlocks(lower);
            long unchangedLimit = Math.Min(size, baseLimit) / B; // blocks below it may still be the lower's, whole
            if (data is not null)
            {
                Prefetch(data, lower, blocks, Math.Min(unchangedLimit, lowerBlocks), external is null ? null : path);
            }
            for (long block = 0; block < blocks;)
            {
                long runEnd = long.MaxValue;
                bool fromLower = data is null || data.Blocks.ReadsFromBase(block, out runEnd);
                long end = Math.Min(Math.Min(blocks, runEnd), Math.Min(unchangedLimit, lowerBlocks));
                if (fromLower && block < end)
                {
                    CopyRuns(lower, block, end, runs);
                    block = end;
                    continue;
                }
                ReadBlock(data, view, block, path);
                runs.Add(Canonical(lower, block, path, external));
                block++;
            }
            return runs.Runs;
        }

        /// <summary>
        /// A cold commit is scattered reads: the changed blocks, and the base blocks they are compared with. Asking
        /// for all of them up front lets the disk serve them in parallel instead of one seek at a time.
        /// </summary>
        private void Prefetch(FileData data, IReadOnlyList<ContentRun> lower, long blocks, long unchangedLimit, string? externalPath)
        {
            data.Blocks.PrefetchDelta();
            for (long block = 0; block < blocks;)
            {
                long runEnd = long.MaxValue;
                if (data.Blocks.ReadsFromBase(block, out runEnd) && block < unchangedLimit)
                {
                    block = Math.Min(runEnd, unchangedLimit);
                    continue;
                }
                long end = Math.Min(blocks, Math.Max(block + 1, runEnd));
                // One fadvise per run of consecutive blocks compared with the same base file, not one per block.
                string? pending = null;
                long pendingStart = block;
                for (; block < end; block++)
                {
                    string? target = RunAt(lower, block) is { Kind: RunKind.Base } run ? run.BasePath : externalPath;
                    if (target != pending)
                    {
                        PrefetchBase(pending, pendingStart, block);
                        (pending, pendingStart) = (target, block);
                    }
                }
                PrefetchBase(pending, pendingStart, block);
            }
        }

        private void PrefetchBase(string? basePath, long firstBlock, long endBlock)
        {
            if (basePath is not null && endBlock > firstBlock)
            {
                ExternalFile(basePath)?.Prefetch(firstBlock * B, (int)Math.Min(int.MaxValue, (endBlock - firstBlock) * B));
            }
        }

        private void ReadBlock(FileData? data, ViewObject view, long block, string path)
        {
            Array.Clear(_block);
            int got = data is not null
                ? data.Blocks.Read(block * B, _block)
                : ReadLowerBlock(view.Origin!, block, _block);
            if (got < 0)
            {
                Check(got, path);
            }
            _bytesHashed += B;
            if ((_bytesHashed & ((1 << 24) - 1)) == 0)
            {
                progress?.Report(_bytesHashed);
            }
        }

        private int ReadLowerBlock(string origin, long block, Span<byte> destination)
        {
            int rc = fs._base.OpenContent(origin, out IBlockSource? content);
            if (rc != 0 || content is null)
            {
                return rc;
            }
            using (content)
            {
                return content.Read(destination, block * B);
            }
        }

        private ContentRun Canonical(IReadOnlyList<ContentRun> lower, long block, string path, Stat? external)
        {
            SHA256.HashData(_block, _digest);
            ContentRun? previous = RunAt(lower, block);
            if (previous is ContentRun p)
            {
                switch (p.Kind)
                {
                    case RunKind.Zero when IsZero(_block):
                        return ContentRun.Zeros(1);
                    case RunKind.Base when ExternalBlockEquals(p.BasePath!, block):
                        return ContentRun.FromBase(p.BasePath!, 1);
                    case RunKind.Stored when StoredDigestEquals(p.Pack, p.FirstBlock):
                        return ContentRun.Stored(PackIndex(fs._lowerSnapshot!.Manifest.Packs[p.Pack]), p.FirstBlock, 1);
                }
            }
            if (external is not null && ExternalBlockEquals(path, block))
            {
                return ContentRun.FromBase(path, 1);
            }
            if (IsZero(_block))
            {
                return ContentRun.Zeros(1);
            }
            (string pack, long stored) = sink.Put(_block, _digest);
            return ContentRun.Stored(PackIndex(pack), stored, 1);
        }

        private bool StoredDigestEquals(int pack, long block)
        {
            Span<byte> lowerDigest = stackalloc byte[SHA256.HashSizeInBytes];
            fs._lowerSnapshot!.CopyStoredDigest(pack, block, lowerDigest);
            return lowerDigest.SequenceEqual(_digest);
        }

        private IBlockSource? ExternalFile(string basePath)
        {
            if (!_externalFiles.TryGetValue(basePath, out IBlockSource? file))
            {
                file = fs._external.Lstat(basePath, out Stat stat) == 0 && (stat.Mode & S_IFMT) == S_IFREG
                    && fs._external.OpenContent(basePath, out IBlockSource? opened) == 0 ? opened : null;
                _externalFiles[basePath] = file;
            }
            return file;
        }

        private bool ExternalBlockEquals(string basePath, long block)
        {
            IBlockSource? file = ExternalFile(basePath);
            if (file is null)
            {
                return false;
            }
            Array.Clear(_other);
            Check(file.Read(_other, block * B), basePath);
            return _other.AsSpan().SequenceEqual(_block);
        }

        private static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

        /// <summary>The lower's runs for a file at <paramref name="origin"/> (null: a file new in the session).</summary>
        private IReadOnlyList<ContentRun> LowerRuns(string? origin)
        {
            if (origin is null)
            {
                return [];
            }
            if (_lowerEntries.TryGetValue(origin, out ManifestEntry? entry))
            {
                return entry.Kind == EntryKind.File ? entry.Runs : [];
            }
            Check(fs._external.Lstat(origin, out Stat stat), origin);
            long blocks = BlockMapState.BlockCountFor(stat.Size);
            return blocks == 0 ? [] : [ContentRun.FromBase(origin, blocks)];
        }

        private static long RunBlocks(IReadOnlyList<ContentRun> runs)
        {
            long total = 0;
            foreach (ContentRun run in runs)
            {
                total += run.Count;
            }
            return total;
        }

        private static ContentRun? RunAt(IReadOnlyList<ContentRun> runs, long block)
        {
            long start = 0;
            foreach (ContentRun run in runs)
            {
                if (block < start + run.Count)
                {
                    long skip = block - start;
                    return run with { Count = 1, FirstBlock = run.Kind == RunKind.Stored ? run.FirstBlock + skip : 0 };
                }
                start += run.Count;
            }
            return null;
        }

        /// <summary>Appends the lower's blocks [from, to) with pack indexes translated into this manifest's pack list.</summary>
        private void CopyRuns(IReadOnlyList<ContentRun> lower, long from, long to, RunListBuilder runs)
        {
            long start = 0;
            foreach (ContentRun run in lower)
            {
                long runStart = Math.Max(start, from);
                long runEnd = Math.Min(start + run.Count, to);
                if (runStart < runEnd)
                {
                    long skip = runStart - start;
                    runs.Add(run.Kind switch
                    {
                        RunKind.Stored => ContentRun.Stored(PackIndex(fs._lowerSnapshot!.Manifest.Packs[run.Pack]), run.FirstBlock + skip, runEnd - runStart),
                        _ => run with { Count = runEnd - runStart },
                    });
                }
                start += run.Count;
                if (start >= to)
                {
                    break;
                }
            }
        }

        private int PackIndex(string pack)
        {
            if (!_packIndex.TryGetValue(pack, out int index))
            {
                index = _packs.Count;
                _packs.Add(pack);
                _packIndex[pack] = index;
            }
            return index;
        }

        private static void Check(int rc, string path)
        {
            if (rc < 0)
            {
                throw new IOException($"cannot read {(path.Length == 0 ? "/" : path)} of the session: errno {-rc}", -rc);
            }
        }
    }
}
