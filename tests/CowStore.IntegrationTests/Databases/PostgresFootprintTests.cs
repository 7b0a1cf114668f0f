using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Databases;

/// <summary>
/// What merely starting and stopping PostgreSQL costs in the delta, next to fuse-overlayfs on the
/// same cluster. PostgreSQL rewrites blocks in place (pg_control, the current WAL segment, the
/// visibility and free-space maps), so a whole-file copy-up overlay pays whole files where block
/// copy-on-write pays blocks.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class PostgresFootprintTests(ITestOutputHelper output) : DatabaseTest(output)
{
    private const int Scale = 10;

    [Fact]
    public void StartAndStopLeaveASmallerDeltaThanFuseOverlayfs()
    {
        EngineWorkspace ws = UnprivilegedWorkspace();
        PostgresBase.Build(ws, Scale);

        // fuse-overlayfs goes first and gets the cluster as initdb left it (owner and modes as
        // PostgreSQL wants them): no chmod through the overlay, which would copy files up and be
        // charged to it. Then the same cluster is sealed like a /nix/store path for cowstore.
        long overlayBytes;
        using (var overlay = new FuseOverlayMount(ws.Base, ws.Scratch, allowOther: ws.User.IsOtherUser))
        {
            using var pg = new PostgresServer(ws.User, overlay.MountPoint, ws.ScratchFile("postgres-overlay.log"));
            pg.Start();
            pg.Stop();
            overlay.Unmount();
            overlayBytes = overlay.UpperBytes();
            Output.WriteLine("fuse-overlayfs upper layer after start + stop:");
            foreach (string file in overlay.CopiedUpFiles().Take(15))
            {
                Output.WriteLine($"  {file}");
            }
        }

        ws.SealBase();
        CowStoreSession session = ws.Mount();
        PostgresBase.PrepareDataDirectory(ws, ws.MountPoint);
        using (var pg = new PostgresServer(ws.User, ws.MountPoint, ws.ScratchFile("postgres-cowstore.log")))
        {
            pg.Start();
            pg.Stop();
        }
        long cowstoreBytes = session.DeltaBytes;
        session.Umount();
        long cowstoreBytesDetached = session.DeltaBytes;

        ReportDelta("postgresql", "after start + stop, fuse-overlayfs upper (du -sb)", overlayBytes);
        ReportDelta("postgresql", "after start + stop, cowstore deltaBytes (mounted)", cowstoreBytes);
        ReportDelta("postgresql", "after start + stop, cowstore deltaBytes (detached)", cowstoreBytesDetached);
        long measured = Math.Max(cowstoreBytes, cowstoreBytesDetached);
        Assert.True(measured < overlayBytes,
            $"cowstore's delta ({measured:N0} bytes) is not smaller than fuse-overlayfs's upper layer ({overlayBytes:N0} bytes) after PostgreSQL start + stop");
    }
}
