using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The reference: what the kernel denies on a host directory.</summary>
public sealed class PlainDirectoryPermissionTests(PermissionPlainBackend backend, ITestOutputHelper output)
    : PermissionTests(backend, output), IClassFixture<PermissionPlainBackend>;
