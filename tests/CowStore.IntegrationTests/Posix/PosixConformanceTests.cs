using System.Runtime.CompilerServices;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>
/// The POSIX behaviour a database relies on, written once and run against every backend
/// (<see cref="PlainDirectoryPosixTests"/>, <see cref="LoopbackPosixTests"/>, later the
/// copy-on-write mount). Every assertion is the POSIX/Linux outcome, so a backend passes only
/// if it behaves like the plain directory does. Each test works in its own directory, named after
/// the test and pre-seeded with <see cref="SeedLayout"/> by the backend before it went live.
/// </summary>
public abstract partial class PosixConformanceTests : IDisposable
{
    private readonly ITestOutputHelper _output;

    protected PosixConformanceTests(FilesystemBackend backend, ITestOutputHelper output)
    {
        Backend = backend;
        _output = output;
        backend.TakeDiagnostics(); // what earlier tests caused is not this test's business
    }

    protected FilesystemBackend Backend { get; }

    /// <summary>Names of every test in this class: the backends seed one directory per name.</summary>
    public static IEnumerable<string> TestNames => SeedLayout.TestNamesOf(typeof(PosixConformanceTests));

    /// <summary>This test's directory (seeded, on the backend under test).</summary>
    protected string Dir([CallerMemberName] string test = "") => Backend.TestDirectoryFor(test);

    protected string SeedFile([CallerMemberName] string test = "") => Path.Combine(Dir(test), SeedLayout.FileName);

    protected string SeedDirectory([CallerMemberName] string test = "") => Path.Combine(Dir(test), SeedLayout.DirectoryName);

    protected static byte[] Pattern(int length, int seed) => SeedLayout.Pattern(length, seed);

    /// <summary>Compares file contents, naming the first differing offset instead of dumping bytes.</summary>
    protected static void AssertContent(ReadOnlySpan<byte> expected, string path)
    {
        byte[] actual = File.ReadAllBytes(path);
        AssertBytes(expected, actual, path);
    }

    protected static void AssertBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }
        int common = Math.Min(expected.Length, actual.Length);
        int first = expected[..common].CommonPrefixLength(actual[..common]);
        throw new Xunit.Sdk.XunitException(first < common
            ? $"{what}: first difference at offset {first} (expected 0x{expected[first]:x2}, got 0x{actual[first]:x2}); lengths {expected.Length} / {actual.Length}"
            : $"{what}: length {actual.Length}, expected {expected.Length} (common prefix equal)");
    }

    public void Dispose()
    {
        string diagnostics = Backend.TakeDiagnostics();
        if (diagnostics.Length > 0)
        {
            _output.WriteLine($"{Backend.Name} daemon output during this test:\n{diagnostics}");
        }
        Backend.CheckHealth();
        GC.SuppressFinalize(this);
    }
}
