using System.Security.Cryptography;
using System.Text;

namespace CowStore.Core.Snapshots;

/// <summary>
/// The binary manifest file (docs/FORMAT.md, "Snapshot manifest"): little-endian, strings as .NET
/// <see cref="BinaryWriter"/> writes them (7-bit length + UTF-8), a SHA-256 of everything before it as trailer.
/// </summary>
public static partial class ManifestCodec
{
    public const int Version = 1;

    internal const byte FlagOpaque = 1;
    internal const byte FlagMetadataOnly = 2;

    private static ReadOnlySpan<byte> Magic => "COWMANIF"u8;

    /// <exception cref="ArgumentException">The manifest breaks a rule of <see cref="ManifestRules"/>.</exception>
    public static byte[] Encode(Manifest manifest)
    {
        ValidateForWrite(manifest);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write((uint)Version);
            writer.Write(manifest.BaseId);
            writer.Write(manifest.ParentId is not null);
            if (manifest.ParentId is not null)
            {
                writer.Write(manifest.ParentId);
            }
            writer.Write(manifest.Packs.Count);
            foreach (string pack in manifest.Packs)
            {
                writer.Write(pack);
            }
            writer.Write(manifest.Entries.Count);
            foreach (ManifestEntry entry in manifest.Entries.Values)
            {
                WriteEntry(writer, entry);
            }
        }
        byte[] body = stream.ToArray();
        byte[] file = new byte[body.Length + SHA256.HashSizeInBytes];
        body.CopyTo(file, 0);
        SHA256.HashData(body, file.AsSpan(body.Length));
        return file;
    }

    /// <summary>Reads and decodes a manifest file.</summary>
    /// <exception cref="InvalidDataException">The file is damaged; the message names it.</exception>
    public static Manifest Read(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        try
        {
            return Decode(data);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Encodes and publishes <paramref name="manifest"/> at <paramref name="path"/> (temp + fsync + rename + fsync dir).</summary>
    public static void WriteDurably(string path, Manifest manifest) => DurableFiles.WriteAllBytes(path, Encode(manifest));

    private static void WriteEntry(BinaryWriter writer, ManifestEntry entry)
    {
        writer.Write(entry.Path);
        writer.Write((byte)entry.Kind);
        writer.Write(entry.Mode);
        writer.Write(entry.Uid);
        writer.Write(entry.Gid);
        writer.Write(entry.Rdev);
        writer.Write(entry.AtimeSec);
        writer.Write(entry.AtimeNsec);
        writer.Write(entry.MtimeSec);
        writer.Write(entry.MtimeNsec);
        writer.Write(entry.CtimeSec);
        writer.Write(entry.CtimeNsec);
        writer.Write((byte)((entry.Opaque ? FlagOpaque : 0) | (entry.MetadataOnly ? FlagMetadataOnly : 0)));
        WriteBytes(writer, entry.SymlinkTarget);
        writer.Write(entry.Xattrs.Count);
        foreach ((string name, byte[] value) in entry.Xattrs)
        {
            writer.Write(name);
            WriteBytes(writer, value);
        }
        writer.Write(entry.Size);
        writer.Write(entry.Runs.Count);
        foreach (ContentRun run in entry.Runs)
        {
            writer.Write((byte)run.Kind);
            writer.Write(run.Count);
            if (run.Kind == RunKind.Base)
            {
                writer.Write(run.BasePath!);
            }
            else if (run.Kind == RunKind.Stored)
            {
                writer.Write(run.Pack);
                writer.Write(run.FirstBlock);
            }
        }
    }

    private static void WriteBytes(BinaryWriter writer, byte[]? bytes)
    {
        writer.Write(bytes is null ? -1 : bytes.Length);
        if (bytes is not null)
        {
            writer.Write(bytes);
        }
    }

    private static void ValidateForWrite(Manifest manifest)
    {
        string? problem = FindHeaderProblem(manifest.BaseId, manifest.ParentId, manifest.Packs);
        string? previous = null;
        foreach ((string key, ManifestEntry entry) in manifest.Entries)
        {
            if (problem is not null)
            {
                break;
            }
            if (!string.Equals(key, entry.Path, StringComparison.Ordinal))
            {
                problem = $"entry \"{entry.Path}\" is filed under \"{key}\"";
            }
            else if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                problem = $"paths out of ordinal order: \"{previous}\" before \"{key}\"";
            }
            else if (ManifestRules.FindProblem(entry, manifest.Packs.Count) is { } entryProblem)
            {
                problem = $"entry \"{entry.Path}\": {entryProblem}";
            }
            previous = key;
        }
        if (problem is not null)
        {
            throw new ArgumentException($"invalid manifest: {problem}", nameof(manifest));
        }
    }

    private static string? FindHeaderProblem(string baseId, string? parentId, IReadOnlyList<string> packs)
    {
        if (!SnapshotId.IsValid(baseId))
        {
            return $"invalid base id \"{baseId}\"";
        }
        if (parentId is not null && !SnapshotId.IsValid(parentId))
        {
            return $"invalid parent id \"{parentId}\"";
        }
        foreach (string pack in packs)
        {
            if (!SnapshotId.IsValid(pack))
            {
                return $"invalid pack id \"{pack}\"";
            }
        }
        return packs.Distinct(StringComparer.Ordinal).Count() == packs.Count ? null : "a pack is listed twice";
    }
}
