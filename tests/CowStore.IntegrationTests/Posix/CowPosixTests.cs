using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The conformance suite on the copy-on-write mount, seeded files living in the read-only base.</summary>
public sealed class CowPosixTests(CowConformanceBackend backend, ITestOutputHelper output)
    : PosixConformanceTests(backend, output), IClassFixture<CowConformanceBackend>;
