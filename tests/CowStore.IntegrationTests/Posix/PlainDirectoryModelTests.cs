using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The model against a second plain directory: proves the model itself is deterministic.</summary>
public sealed class PlainDirectoryModelTests(ModelPlainBackend backend, ITestOutputHelper output)
    : RandomOperationModelTests(backend, output), IClassFixture<ModelPlainBackend>;
