using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The copy-on-write mount with --allow-other must deny what the plain directory denies.</summary>
public sealed class CowPermissionTests(PermissionCowBackend backend, ITestOutputHelper output)
    : PermissionTests(backend, output), IClassFixture<PermissionCowBackend>;
