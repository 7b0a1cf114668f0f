using CowStore.IntegrationTests.Infrastructure;

namespace CowStore.IntegrationTests.Posix;

/// <summary>xunit class fixtures for the permission tests; the loopback one mounts with --allow-other.</summary>
public sealed class PermissionPlainBackend() : PlainDirectoryBackend(PermissionTests.TestNames);

public sealed class PermissionLoopbackBackend() : LoopbackMountBackend(PermissionTests.TestNames, allowOther: true);

public sealed class PermissionCowBackend() : CowMountBackend(PermissionTests.TestNames, allowOther: true);
