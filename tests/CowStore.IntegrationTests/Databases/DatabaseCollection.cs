using Xunit;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// The database tests run one at a time and after the parallel collections: each one drives a
/// real server hard on a 2-core machine, and timing-sensitive steps (a crash in the middle of a
/// workload, a reader racing a writer) should not compete with other suites for CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseCollection
{
    public const string Name = "Databases";
}
