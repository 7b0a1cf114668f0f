using Xunit;

namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that move gigabytes, time a single operation or drive a real database server run one at a
/// time, after the parallel collections: on a 2-core machine they would otherwise disturb the space
/// accounting of other tests (statvfs) and be disturbed in their own timing (a crash in the middle
/// of a workload, a reader racing a writer).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCollection
{
    public const string Name = "Exclusive";
}
