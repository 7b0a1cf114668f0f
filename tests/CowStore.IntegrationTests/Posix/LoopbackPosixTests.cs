using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The conformance suite through <c>cowstore loopback</c>: must match the plain directory.</summary>
public sealed class LoopbackPosixTests(LoopbackConformanceBackend backend, ITestOutputHelper output)
    : PosixConformanceTests(backend, output), IClassFixture<LoopbackConformanceBackend>;
