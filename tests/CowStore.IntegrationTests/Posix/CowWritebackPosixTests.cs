using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The conformance suite on the copy-on-write mount with the kernel writeback cache (mount --writeback-cache).</summary>
public sealed class CowWritebackPosixTests(CowWritebackConformanceBackend backend, ITestOutputHelper output)
    : PosixConformanceTests(backend, output), IClassFixture<CowWritebackConformanceBackend>;
