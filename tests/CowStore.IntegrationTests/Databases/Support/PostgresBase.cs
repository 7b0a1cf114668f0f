namespace CowStore.IntegrationTests.Databases.Support;

/// <summary>Builds a PostgreSQL cluster as a base: initdb, pgbench -i, optional SQL, clean shutdown.</summary>
internal static class PostgresBase
{
    public static void Build(EngineWorkspace workspace, int scale, params string[] extraSql)
    {
        PostgresServer.InitDb(workspace.User, workspace.Base);
        using var server = new PostgresServer(workspace.User, workspace.Base, workspace.ScratchFile("base-build.log"));
        server.Start();
        server.Pgbench("-i", "-q", "-s", scale.ToString());
        foreach (string sql in extraSql)
        {
            server.Psql(sql);
        }
        server.Stop();
    }

    /// <summary>
    /// Makes a view PostgreSQL will accept as its data directory, as one would a copy: owned by
    /// the server's user (<see cref="EngineWorkspace.HandOver"/>), and 0700 where the sealed
    /// base's 0555 root shows as 0755 (PostgreSQL insists on 0700 or 0750). Both are metadata
    /// changes in the delta, so this is repeated after every discard and resume.
    /// </summary>
    public static void PrepareDataDirectory(EngineWorkspace workspace, string dataDirectory)
    {
        workspace.HandOver(dataDirectory);
        workspace.User.RunChecked("chmod", ["0700", dataDirectory]);
    }
}
