using CowStore.IntegrationTests.Databases;
using CowStore.IntegrationTests.Databases.Support;
using CowStore.IntegrationTests.Infrastructure;
using CowStore.Store.Nix;
using Xunit;
using Xunit.Abstractions;

namespace CowStore.IntegrationTests.Nix;

/// <summary>
/// The PostgreSQL sample of scripts/nix: a cluster built inside a Nix derivation with the host's initdb and server,
/// then run by PostgreSQL 15 on a cowstore view of the store path; the store path stays as Nix recorded it.
/// </summary>
[Trait("Requires", "root")]
[Collection(ExclusiveCollection.Name)]
public sealed class NixPostgresSampleTests(ITestOutputHelper output) : DatabaseTest(output)
{
    [Fact]
    public void PostgresSample_BuiltByNix_RunsOnAMountOfTheStorePath()
    {
        Assert.True(Sys.IsRoot, "this test needs root; unprivileged runs filter it out with --filter Requires!=root");
        EngineWorkspace ws = UnprivilegedWorkspace();
        string storePath = NixSamples.Build("postgres", outLink: ws.ScratchFile("result"));
        Assert.Equal("15", File.ReadAllText(Path.Combine(storePath, "pgdata", "PG_VERSION")).Trim());
        SortedDictionary<string, string> before = NixSamples.Fingerprint(storePath);

        CowStoreSession session = ws.Track(CowStoreSession.Mount(ws.Cli, storePath, ws.MountPoint, allowOther: ws.User.IsOtherUser));
        string dataDirectory = Path.Combine(ws.MountPoint, "pgdata");
        PostgresBase.PrepareDataDirectory(ws, dataDirectory);
        using (var pg = new PostgresServer(ws.User, dataDirectory, ws.ScratchFile("postgres.log")))
        {
            pg.Start();
            Assert.Equal(3, pg.Long("select count(*) from people"));
            pg.Psql("insert into people (name, born) values ('Edgar Codd', 1923)");
            Assert.Equal(4, pg.Long("select count(*) from people"));
            pg.Stop();
        }
        session.Umount();

        Assert.Equal(before, NixSamples.Fingerprint(storePath));
        Assert.True(NixStore.VerifyPath(storePath), "nix-store --verify-path reports the store path as modified");
    }
}
