using System.Text;
using CowStore.Fuse;
using Xunit;

namespace CowStore.UnitTests.Cow;

public sealed class CowConcurrencyTests
{
    private static readonly FuseRequest R = CowFixture.Request;

    [Fact]
    public void ParallelCreatesWritesAndRenames_AllLand()
    {
        using var f = new CowFixture(StandardBase.Build);
        const int Threads = 4;
        const int FilesPerThread = 25;
        Parallel.For(0, Threads, t =>
        {
            for (int i = 0; i < FilesPerThread; i++)
            {
                string name = $"t{t}-{i}";
                f.WriteFile($"db/{name}", Encoding.UTF8.GetBytes(name));
                f.WriteAt("big.bin", (t * 1000) + i, [(byte)t]);
                ulong db = f.Node("db");
                Assert.Equal(0, f.Fs.Rename(R, db, Encoding.UTF8.GetBytes(name), db, Encoding.UTF8.GetBytes(name + ".done"), 0));
            }
        });
        f.Crash();
        List<string> names = f.List("db");
        for (int t = 0; t < Threads; t++)
        {
            for (int i = 0; i < FilesPerThread; i++)
            {
                Assert.Contains($"t{t}-{i}.done", names);
                Assert.Equal($"t{t}-{i}", f.ReadText($"db/t{t}-{i}.done"));
            }
        }
        byte[] big = f.ReadFile("big.bin");
        Assert.Equal(3, big[3000 + FilesPerThread - 1]);
    }
}
