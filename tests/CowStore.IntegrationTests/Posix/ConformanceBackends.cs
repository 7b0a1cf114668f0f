using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Posix;

/// <summary>xunit class fixtures: each backend seeded with the conformance tests' directories.</summary>
public sealed class PlainConformanceBackend() : PlainDirectoryBackend(PosixConformanceTests.TestNames);

public sealed class LoopbackConformanceBackend() : LoopbackMountBackend(PosixConformanceTests.TestNames);

public sealed class CowConformanceBackend() : CowMountBackend(PosixConformanceTests.TestNames);

public sealed class CowWritebackConformanceBackend() : CowMountBackend(PosixConformanceTests.TestNames, writebackCache: true);
