using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The model through <c>cowstore loopback</c>.</summary>
public sealed class LoopbackModelTests(ModelLoopbackBackend backend, ITestOutputHelper output)
    : RandomOperationModelTests(backend, output), IClassFixture<ModelLoopbackBackend>;
