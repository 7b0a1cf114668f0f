using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Posix;

/// <summary>xunit class fixtures for the model test, seeded with its directory.</summary>
public sealed class ModelPlainBackend() : PlainDirectoryBackend(RandomOperationModelTests.TestNames);

public sealed class ModelLoopbackBackend() : LoopbackMountBackend(RandomOperationModelTests.TestNames);

public sealed class ModelCowBackend() : CowMountBackend(RandomOperationModelTests.TestNames);

public sealed class ModelCowWritebackBackend() : CowMountBackend(RandomOperationModelTests.TestNames, writebackCache: true);
