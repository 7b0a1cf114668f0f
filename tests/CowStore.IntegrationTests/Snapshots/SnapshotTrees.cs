using Xunit.Sdk;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary>Compares two trees entry by entry (kinds, link targets, permission bits, sizes) and file by file (bytes, streamed).</summary>
internal static class SnapshotTrees
{
    /// <summary>Fails naming the first difference; returns the number of files compared.</summary>
    public static int AssertSameContent(string expectedRoot, string actualRoot, bool compareModes = true)
    {
        List<string> expected = Listing(expectedRoot, compareModes);
        List<string> actual = Listing(actualRoot, compareModes);
        if (!expected.SequenceEqual(actual))
        {
            string missing = string.Join(", ", expected.Except(actual).Take(10));
            string extra = string.Join(", ", actual.Except(expected).Take(10));
            throw new XunitException($"{actualRoot} differs from {expectedRoot}: missing [{missing}], extra [{extra}]");
        }
        int files = 0;
        byte[] want = new byte[1 << 20];
        byte[] got = new byte[1 << 20];
        foreach (string relative in expected.Where(e => e.StartsWith("f ", StringComparison.Ordinal)).Select(e => e[2..e.IndexOf('\t', StringComparison.Ordinal)]))
        {
            files++;
            using var a = new FileStream(Path.Combine(expectedRoot, relative), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
            using var b = new FileStream(Path.Combine(actualRoot, relative), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
            for (long offset = 0; ; offset += want.Length)
            {
                int n = a.ReadAtLeast(want, want.Length, throwOnEndOfStream: false);
                int m = b.ReadAtLeast(got, got.Length, throwOnEndOfStream: false);
                if (n != m || !want.AsSpan(0, n).SequenceEqual(got.AsSpan(0, m)))
                {
                    long at = offset + want.AsSpan(0, n).CommonPrefixLength(got.AsSpan(0, m));
                    throw new XunitException($"{relative}: content differs from {expectedRoot} at byte {at}");
                }
                if (n < want.Length)
                {
                    break;
                }
            }
        }
        return files;
    }

    private static List<string> Listing(string root, bool compareModes)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return new DirectoryInfo(root).EnumerateFileSystemInfos("*", options)
            .Select(info =>
            {
                string relative = Path.GetRelativePath(root, info.FullName);
                string mode = compareModes && info.LinkTarget is null ? Convert.ToString((int)info.UnixFileMode, 8) : "";
                return info.LinkTarget is { } target ? $"l {relative}\t-> {target}"
                    : info is DirectoryInfo ? $"d {relative}\t{mode}"
                    : $"f {relative}\t{mode} {((FileInfo)info).Length}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
