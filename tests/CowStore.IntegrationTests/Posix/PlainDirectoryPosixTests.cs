using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The reference run: the conformance suite on a plain host directory.</summary>
public sealed class PlainDirectoryPosixTests(PlainConformanceBackend backend, ITestOutputHelper output)
    : PosixConformanceTests(backend, output), IClassFixture<PlainConformanceBackend>;
