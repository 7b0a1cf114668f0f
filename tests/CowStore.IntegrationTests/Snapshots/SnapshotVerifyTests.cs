using CowStore.IntegrationTests.Sessions;
using Xunit;

namespace CowStore.IntegrationTests.Snapshots;

/// <summary><c>cowstore verify</c> finds one flipped byte, and a mount never returns the damaged block's data.</summary>
public sealed class SnapshotVerifyTests
{
    [Fact]
    public void FlippedByteInAStoredBlock_IsReportedByVerify_AndReadsAsEioThroughAMount()
    {
        using var sandbox = new SessionSandbox();
        File.WriteAllText(Path.Combine(sandbox.Base, "keep.txt"), "keep");
        sandbox.SealBase();
        (string mnt, string session) = sandbox.Mount(sandbox.Base, "mnt");
        byte[] victim = SnapshotVerbSandbox.WriteRandomFile(Path.Combine(mnt, "victim.bin"), 64 * 4096, 7);
        string id = sandbox.Commit(session, "--umount");
        CommandResult clean = sandbox.CowstoreOk("verify");
        Assert.Contains("no problems", clean.Output, StringComparison.Ordinal);
        sandbox.CowstoreOk("verify", id[..8]);

        string pack = Assert.Single(sandbox.PackFiles(), f => f.EndsWith(".pack", StringComparison.Ordinal));
        string packPath = Path.Combine(sandbox.StoreDirectory(), "packs", pack);
        const long flipAt = 5 * 4096 + 123;
        File.SetUnixFileMode(packPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var file = new FileStream(packPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 0))
        {
            file.Position = flipAt;
            int old = file.ReadByte();
            file.Position = flipAt;
            file.WriteByte((byte)(old ^ 0x40));
        }

        CommandResult damaged = sandbox.Cowstore("verify");
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains($"packs/{pack}", damaged.Output, StringComparison.Ordinal);
        Assert.Equal(1, sandbox.Cowstore("verify", id).ExitCode);

        (string check, _) = sandbox.Mount(id, "check");
        Assert.Equal("keep", File.ReadAllText(Path.Combine(check, "keep.txt")));
        using var reader = new FileStream(Path.Combine(check, "victim.bin"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0);
        byte[] block = new byte[4096];
        int failed = 0;
        for (int i = 0; i < victim.Length / 4096; i++)
        {
            try
            {
                reader.Position = i * 4096L;
                int n = reader.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
                Assert.Equal(4096, n);
                Assert.True(victim.AsSpan(i * 4096, 4096).SequenceEqual(block), $"block {i} read wrong data");
            }
            catch (IOException)
            {
                failed++;
            }
        }
        Assert.True(failed > 0, "no read failed although block 5 is damaged");
        Assert.Throws<IOException>(() => File.ReadAllBytes(Path.Combine(check, "victim.bin")));
    }
}
