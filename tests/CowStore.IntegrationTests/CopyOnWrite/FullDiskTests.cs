using System.Security.Cryptography;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.IntegrationTests.Sessions;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace CowStore.IntegrationTests.CopyOnWrite;

/// <summary>
/// The delta's disk fills up: the tenant sees ENOSPC (never a silent success), the session stays
/// consistent, and once space is freed it carries on — also across an unmount and resume.
/// </summary>
public sealed class FullDiskTests
{
    private const int Chunk = 1 << 20;

    [Fact]
    [Trait("Requires", "root")] // mounting a small tmpfs for the state directory needs root
    public void AFullDeltaDiskGivesEnospcAndTheSessionContinuesOnceSpaceIsFreed()
    {
        using var sandbox = new SessionSandbox();
        byte[] baseBytes = RandomNumberGenerator.GetBytes(Chunk);
        File.WriteAllBytes(Path.Combine(sandbox.Base, "keep.dat"), baseBytes);
        sandbox.SealBase();
        Directory.CreateDirectory(sandbox.Home);
        ProcessResult tmpfs = ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", sandbox.Home]);
        Assert.True(tmpfs.ExitCode == 0, tmpfs.ToString());
        string mnt = sandbox.NewMountpoint();
        string session = sandbox.CowstoreOk("mount", sandbox.Base, mnt).LastLine;

        byte[] durable = RandomNumberGenerator.GetBytes(Chunk);
        WriteAndFsync(Path.Combine(mnt, "durable.dat"), durable);

        IOException full = Assert.Throws<IOException>(() => FillUntilFull(Path.Combine(mnt, "fill.dat")));
        Assert.Contains("No space left on device", full.Message, StringComparison.Ordinal);
        Assert.Equal(durable, File.ReadAllBytes(Path.Combine(mnt, "durable.dat")));
        Assert.Equal(baseBytes, File.ReadAllBytes(Path.Combine(mnt, "keep.dat")));

        File.Delete(Path.Combine(mnt, "fill.dat"));
        byte[] after = RandomNumberGenerator.GetBytes(Chunk);
        WriteAndFsync(Path.Combine(mnt, "after.dat"), after);

        sandbox.CowstoreOk("umount", mnt);
        sandbox.CowstoreOk("mount", "--session", session, sandbox.Base, mnt);
        Assert.Equal(durable, File.ReadAllBytes(Path.Combine(mnt, "durable.dat")));
        Assert.Equal(after, File.ReadAllBytes(Path.Combine(mnt, "after.dat")));
        Assert.Equal(baseBytes, File.ReadAllBytes(Path.Combine(mnt, "keep.dat")));
        Assert.False(File.Exists(Path.Combine(mnt, "fill.dat")));
        sandbox.CowstoreOk("umount", mnt);
    }

    private static void WriteAndFsync(string path, byte[] data)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
        RandomAccess.Write(file, data, 0);
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>Writes unbuffered 1 MiB chunks (each followed by fsync) until the delta's disk refuses.</summary>
    private static void FillUntilFull(string path)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
        byte[] chunk = RandomNumberGenerator.GetBytes(Chunk);
        for (long offset = 0; offset < 64L * Chunk; offset += Chunk)
        {
            RandomAccess.Write(file, chunk, offset);
            RandomAccess.FlushToDisk(file);
        }
        throw new Xunit.Sdk.XunitException("64 MiB fitted into a 16 MiB delta disk: ENOSPC was swallowed");
    }
}
