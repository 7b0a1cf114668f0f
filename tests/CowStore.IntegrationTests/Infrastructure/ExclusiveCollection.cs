using Xunit;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that move gigabytes or time a single operation run alone, after the parallel collections:
/// on a 2-core machine they would otherwise disturb the space accounting of other tests (statvfs)
/// and be disturbed in their own timing.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "Exclusive";
}
