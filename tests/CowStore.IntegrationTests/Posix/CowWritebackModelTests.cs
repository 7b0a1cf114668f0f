using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Posix;

/// <summary>The model through the copy-on-write mount with the kernel writeback cache (mount --writeback-cache).</summary>
public sealed class CowWritebackModelTests(ModelCowWritebackBackend backend, ITestOutputHelper output)
    : RandomOperationModelTests(backend, output), IClassFixture<ModelCowWritebackBackend>;
