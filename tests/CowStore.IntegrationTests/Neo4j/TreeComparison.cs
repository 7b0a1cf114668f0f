using Xunit.Sdk;

namespace CowStore.IntegrationTests.Neo4j;

/// <summary>
/// Compares what two trees hold: the same entries (names and kinds) and, file by file, the same
/// bytes. Modes and owners are left out on purpose: a session presents the base as the caller's own.
/// </summary>
internal static class TreeComparison
{
    /// <summary>Fails naming the first difference; returns how many files were compared byte by byte.</summary>
    public static int AssertIdentical(string expectedRoot, string actualRoot)
    {
        List<string> expected = Listing(expectedRoot);
        List<string> actual = Listing(actualRoot);
        if (!expected.SequenceEqual(actual))
        {
            string missing = string.Join(", ", expected.Except(actual).Take(10));
            string extra = string.Join(", ", actual.Except(expected).Take(10));
            throw new XunitException($"{actualRoot} lists differently from {expectedRoot}: missing [{missing}], extra [{extra}]");
        }
        int files = 0;
        foreach (string entry in expected.Where(e => e.StartsWith("f ", StringComparison.Ordinal)))
        {
            files++;
            string relative = entry[2..];
            byte[] want = File.ReadAllBytes(Path.Combine(expectedRoot, relative));
            byte[] got = File.ReadAllBytes(Path.Combine(actualRoot, relative));
            if (!want.AsSpan().SequenceEqual(got))
            {
                int at = want.AsSpan().CommonPrefixLength(got);
                throw new XunitException($"{relative}: {got.Length} bytes through the mount, {want.Length} in the base; first difference at byte {at}");
            }
        }
        return files;
    }

    /// <summary>Every entry below <paramref name="root"/> as "d path", "f path" or "l path -> target", sorted.</summary>
    private static List<string> Listing(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return new DirectoryInfo(root).EnumerateFileSystemInfos("*", options)
            .Select(info =>
            {
                string relative = Path.GetRelativePath(root, info.FullName);
                return info.LinkTarget is { } target ? $"l {relative} -> {target}"
                    : info is DirectoryInfo ? $"d {relative}"
                    : $"f {relative}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
