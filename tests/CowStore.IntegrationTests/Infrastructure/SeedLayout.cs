using System.Reflection;
using Xunit;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Files that exist in every test directory before the test starts. A backend writes them where
/// its data comes from before it mounts (the plain directory itself, the loopback's backing
/// directory, the copy-on-write mount's base), so "modify an existing file" means the same on
/// every backend, and on the copy-on-write mount it means modifying base data.
/// </summary>
internal static class SeedLayout
{
    public const string FileName = "seed.bin";
    public const string DirectoryName = "seeddir";
    public const string InnerFileName = "inner.txt";

    /// <summary>Not block aligned on purpose: 2 × 64 KiB + 1234 bytes.</summary>
    public const int FileLength = 2 * 65536 + 1234;

    public static byte[] FileContent { get; } = Pattern(FileLength, seed: 7);

    public static byte[] InnerContent { get; } = "inner file of the seed directory\n"u8.ToArray();

    /// <summary>The [Fact]/[Theory] method names of a test class: one seeded directory each.</summary>
    public static IEnumerable<string> TestNamesOf(Type testClass) =>
        testClass.GetMethods(BindingFlags.Instance | BindingFlags.Public)
            .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
            .Select(m => m.Name)
            .Distinct();

    /// <summary>Creates <c>&lt;root&gt;/&lt;name&gt;/</c> with the seed files for each test name.</summary>
    public static void Populate(string root, IEnumerable<string> testNames)
    {
        foreach (string name in testNames)
        {
            string dir = Path.Combine(root, name);
            Directory.CreateDirectory(Path.Combine(dir, DirectoryName));
            File.WriteAllBytes(Path.Combine(dir, FileName), FileContent);
            File.WriteAllBytes(Path.Combine(dir, DirectoryName, InnerFileName), InnerContent);
        }
    }

    /// <summary>Deterministic bytes that differ at every offset of a block (catches misplaced blocks).</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
