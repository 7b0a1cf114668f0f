using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CowStore.Core.Snapshots;

/// <summary>Gives the SHA-256 of block <paramref name="block"/> of pack <paramref name="pack"/> (an index into <see cref="Manifest.Packs"/>).</summary>
public delegate void DigestSource(int pack, long block, Span<byte> sha256);

/// <summary>
/// The snapshot id: SHA-256 over a canonical description of the content (docs/FORMAT.md, "Snapshot identity").
/// Only what a reader can observe as content counts: owners and times do not (two sessions reaching the same
/// content at different times commit to the same id), nor does how blocks are split into runs or packs.
/// </summary>
public static class SnapshotIdentity
{
    private const byte ZeroItem = (byte)'Z';
    private const byte BaseItem = (byte)'B';
    private const byte StoredItem = (byte)'S';
    private const byte EndOfContent = (byte)'E';

    public static byte[] Compute(Manifest manifest, DigestSource digests)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("cowstore-snapshot-v1\0"u8);
        AppendText(hash, manifest.BaseId);
        hash.AppendData("\0"u8);
        AppendText(hash, manifest.ParentId ?? "");
        hash.AppendData("\0"u8);
        Span<byte> number = stackalloc byte[8];
        Span<byte> storedItem = stackalloc byte[1 + SHA256.HashSizeInBytes];
        storedItem[0] = StoredItem;
        foreach (ManifestEntry entry in manifest.Entries.Values)
        {
            if (!entry.MetadataOnly)
            {
                AppendEntry(hash, entry, digests, number, storedItem);
            }
        }
        return hash.GetHashAndReset();
    }

    /// <summary><see cref="Compute"/> rendered as a 52-character id.</summary>
    public static string ComputeId(Manifest manifest, DigestSource digests) => SnapshotId.FromDigest(Compute(manifest, digests));

    private static void AppendEntry(IncrementalHash hash, ManifestEntry entry, DigestSource digests, Span<byte> number, Span<byte> storedItem)
    {
        AppendText(hash, entry.Path);
        hash.AppendData("\0"u8);
        hash.AppendData([(byte)entry.Kind]);
        AppendUInt32(hash, entry.Mode, number);
        hash.AppendData([entry.Opaque ? (byte)1 : (byte)0]);
        AppendBytes(hash, entry.SymlinkTarget, number);
        AppendInt32(hash, entry.Xattrs.Count, number);
        foreach ((string name, byte[] value) in entry.Xattrs.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            AppendText(hash, name);
            hash.AppendData("\0"u8);
            AppendBytes(hash, value, number);
        }
        AppendUInt64(hash, entry.Kind == EntryKind.Special ? entry.Rdev : 0, number);
        AppendUInt64(hash, (ulong)entry.Size, number);
        AppendContent(hash, entry.Runs, digests, number, storedItem);
    }

    /// <summary>
    /// The normalized item sequence: adjacent zero runs merge, adjacent base runs of one path merge, every stored
    /// block is its own digest item; 'E' ends it so the next entry's path cannot be read as an item.
    /// </summary>
    private static void AppendContent(IncrementalHash hash, IReadOnlyList<ContentRun> runs, DigestSource digests, Span<byte> number, Span<byte> storedItem)
    {
        int i = 0;
        while (i < runs.Count)
        {
            ContentRun run = runs[i];
            if (run.Kind == RunKind.Stored)
            {
                for (long b = 0; b < run.Count; b++)
                {
                    digests(run.Pack, run.FirstBlock + b, storedItem[1..]);
                    hash.AppendData(storedItem);
                }
                i++;
                continue;
            }
            long count = 0;
            int j = i;
            while (j < runs.Count && runs[j].Kind == run.Kind && (run.Kind != RunKind.Base || string.Equals(runs[j].BasePath, run.BasePath, StringComparison.Ordinal)))
            {
                count += runs[j].Count;
                j++;
            }
            if (run.Kind == RunKind.Base)
            {
                hash.AppendData([BaseItem]);
                AppendText(hash, run.BasePath ?? "");
                hash.AppendData("\0"u8);
            }
            else
            {
                hash.AppendData([ZeroItem]);
            }
            AppendUInt64(hash, (ulong)count, number);
            i = j;
        }
        hash.AppendData([EndOfContent]);
    }

    private static void AppendText(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));

    private static void AppendBytes(IncrementalHash hash, byte[]? bytes, Span<byte> number)
    {
        AppendInt32(hash, bytes is null ? -1 : bytes.Length, number);
        if (bytes is not null)
        {
            hash.AppendData(bytes);
        }
    }

    private static void AppendUInt32(IncrementalHash hash, uint value, Span<byte> number)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(number, value);
        hash.AppendData(number[..4]);
    }

    private static void AppendInt32(IncrementalHash hash, int value, Span<byte> number) => AppendUInt32(hash, (uint)value, number);

    private static void AppendUInt64(IncrementalHash hash, ulong value, Span<byte> number)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(number, value);
        hash.AppendData(number[..8]);
    }
}
