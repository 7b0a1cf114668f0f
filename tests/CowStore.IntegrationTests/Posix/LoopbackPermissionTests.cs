using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The loopback mount with --allow-other must deny exactly the same.</summary>
public sealed class LoopbackPermissionTests(PermissionLoopbackBackend backend, ITestOutputHelper output)
    : PermissionTests(backend, output), IClassFixture<PermissionLoopbackBackend>;
