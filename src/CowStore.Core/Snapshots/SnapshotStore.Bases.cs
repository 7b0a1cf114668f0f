using System.Security.Cryptography;
using System.Text;

namespace CowStore.Core.Snapshots;

public sealed partial class SnapshotStore
{
    private const string NixStorePrefix = "/nix/store/";

    /// <summary>
    /// Registers <paramref name="directory"/> (resolved to its real path) as an external base, or returns the existing
    /// record. A top-level /nix/store path is identified by its store path (kind nix: immutable by construction); any
    /// other directory by its path and a metadata fingerprint (kind directory), so a changed directory gets a new id.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    public BaseRecord RegisterBase(string directory)
    {
        string real = RequireDirectory(directory);
        BaseRecord record;
        if (IsNixStorePath(real))
        {
            record = new BaseRecord { Id = SnapshotId.OfText("cowstore-base\0nix\0" + real), Kind = BaseKinds.Nix, Path = real, CreatedAt = DateTimeOffset.UtcNow };
        }
        else
        {
            string fingerprint = BaseFingerprint.Metadata(real);
            record = new BaseRecord
            {
                Id = SnapshotId.OfText("cowstore-base\0directory\0" + real + "\0" + fingerprint),
                Kind = BaseKinds.Directory,
                Path = real,
                Fingerprint = fingerprint,
                CreatedAt = DateTimeOffset.UtcNow,
            };
        }
        using IDisposable held = AcquireLock(DefaultLockTimeout);
        if (ContainsBase(record.Id))
        {
            return ReadBase(record.Id);
        }
        WriteJson(BasePath(record.Id), record, StoreJsonContext.Default.BaseRecord);
        return record;
    }

    /// <summary>
    /// Registers <paramref name="directory"/> as a base identified by its full content (kind imported): the same
    /// content gets the same id wherever it lies. Reads every byte (<paramref name="bytesRead"/> reports progress).
    /// If the id is known and its recorded directory is gone or changed, the record moves to this directory.
    /// </summary>
    public BaseRecord ImportBase(string directory, IProgress<long>? bytesRead = null)
    {
        string real = RequireDirectory(directory);
        string fingerprint = BaseFingerprint.Metadata(real);
        byte[] content = BaseFingerprint.Content(real, bytesRead);
        string id = SnapshotId.FromDigest(SHA256.HashData([.. Encoding.ASCII.GetBytes("cowstore-base\0imported\0"), .. content]));
        // The directory must not have changed while it was read: the fingerprint stands for the content hashed.
        if (BaseFingerprint.Metadata(real) != fingerprint)
        {
            throw new IOException($"{real} changed while it was imported; import it again once it is quiet");
        }
        var record = new BaseRecord { Id = id, Kind = BaseKinds.Imported, Path = real, Fingerprint = fingerprint, CreatedAt = DateTimeOffset.UtcNow };
        using IDisposable held = AcquireLock(DefaultLockTimeout);
        if (ContainsBase(id))
        {
            BaseRecord existing = ReadBase(id);
            if (CheckBase(existing) is null)
            {
                return existing;
            }
            record = record with { CreatedAt = existing.CreatedAt };
        }
        WriteJson(BasePath(id), record, StoreJsonContext.Default.BaseRecord);
        return record;
    }

    public bool ContainsBase(string id) => SnapshotId.IsValid(id) && File.Exists(BasePath(id));

    /// <exception cref="FileNotFoundException">No such base.</exception>
    /// <exception cref="InvalidDataException">The record is damaged or from a newer cowstore.</exception>
    public BaseRecord ReadBase(string id)
    {
        string path = SnapshotId.IsValid(id) ? BasePath(id) : throw new ArgumentException($"invalid base id \"{id}\"", nameof(id));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"base {id} is not registered in the store", path);
        }
        BaseRecord record = ReadJson(path, StoreJsonContext.Default.BaseRecord, r => r.FormatVersion);
        return record.Id == id ? record : throw new InvalidDataException($"{path}: record of base {record.Id}");
    }

    /// <summary>Ids of every registered base.</summary>
    public IReadOnlyList<string> BaseIds() =>
        Directory.EnumerateFiles(BasesDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(SnapshotId.IsValid).Order(StringComparer.Ordinal).ToList();

    public IEnumerable<BaseRecord> ListBases() => BaseIds().Select(ReadBase).ToList();

    /// <summary>Null when the base is usable as registered, else a one-line reason (missing, changed, unreadable).</summary>
    public static string? CheckBase(BaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Directory.Exists(record.Path))
        {
            return $"base directory {record.Path} is missing";
        }
        if (record.Kind == BaseKinds.Nix || record.Fingerprint is null)
        {
            return null;
        }
        try
        {
            return BaseFingerprint.Metadata(record.Path) == record.Fingerprint
                ? null
                : $"base directory {record.Path} changed since it was registered (files, sizes, modes or times differ)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"base directory {record.Path} cannot be read: {e.Message}";
        }
    }

    /// <summary>A top-level store path: /nix/store/&lt;32 base32 characters&gt;-&lt;name&gt;.</summary>
    public static bool IsNixStorePath(string realPath)
    {
        if (!realPath.StartsWith(NixStorePrefix, StringComparison.Ordinal))
        {
            return false;
        }
        string name = realPath[NixStorePrefix.Length..];
        return name.Length > 33 && !name.Contains('/', StringComparison.Ordinal) && name[32] == '-' && name[..32].All(NixBase32.IsAlphabet);
    }

    private string BasePath(string id) => Path.Combine(BasesDirectory, id + ".json");

    private static string RequireDirectory(string directory)
    {
        string real = RealPath.Resolve(directory);
        return Directory.Exists(real) ? real : throw new DirectoryNotFoundException($"{directory} is not a directory");
    }
}
