using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The model through the copy-on-write mount (its seeded files start in the base).</summary>
public sealed class CowModelTests(ModelCowBackend backend, ITestOutputHelper output)
    : RandomOperationModelTests(backend, output), IClassFixture<ModelCowBackend>;
