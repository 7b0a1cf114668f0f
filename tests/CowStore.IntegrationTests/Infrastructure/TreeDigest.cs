using System.Security.Cryptography;
using System.Text;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>SHA-256 over a directory tree: relative paths, types, modes, sizes, link targets and file bytes.</summary>
public static class TreeDigest
{
    public static string Of(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            string header = $"{Path.GetRelativePath(root, path)}\0{info.Attributes}\0{(int)File.GetUnixFileMode(path)}\0{info.LinkTarget}\0";
            hash.AppendData(Encoding.UTF8.GetBytes(header));
            if (info.LinkTarget is null && (info.Attributes & FileAttributes.Directory) == 0)
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{info.Length}\0"));
                hash.AppendData(File.ReadAllBytes(path));
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
