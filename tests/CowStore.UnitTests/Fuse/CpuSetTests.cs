using CowStore.Fuse.Transport;
using Xunit;

namespace CowStore.UnitTests.Fuse;

public sealed class CpuSetTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3\n", new[] { 0, 1, 2, 3 })]
    [InlineData("0-1,4,6-7", new[] { 0, 1, 4, 6, 7 })]
    public void ParsesTheKernelsCpuLists(string list, int[] cpus) => Assert.Equal(cpus, CpuSet.Parse(list));

    [Fact]
    public void ThisMachineHasItsOnlineCpusAmongThePossibleOnes()
    {
        IReadOnlyList<int> possible = CpuSet.Possible();
        Assert.NotEmpty(possible);
        Assert.All(CpuSet.Online(), cpu => Assert.Contains(cpu, possible));
    }
}
