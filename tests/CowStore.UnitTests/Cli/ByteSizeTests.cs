using CowStore.Cli.Output;
using Xunit;

namespace CowStore.UnitTests.Cli;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(8192, "8.0 KiB")]
    [InlineData(1536 * 1024, "1.5 MiB")]
    [InlineData(1L << 30, "1.0 GiB")]
    public void Format_UsesBinaryUnits(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
