using System.Text;
using CowStore.Store.Projects;
using Xunit;

namespace CowStore.UnitTests.Projects;

/// <summary>cowstore.json parsing: paths made absolute inside the project, every invalid field named in the error.</summary>
public sealed class ProjectFileTests
{
    private const string Root = "/home/ana/movies";

    private static Project Parse(string json) =>
        Project.Parse(Root, Root + "/cowstore.json", Encoding.UTF8.GetBytes(json), path => path);

    [Fact]
    public void Parse_ResolvesMountpointsAndPathBasesAgainstTheProject()
    {
        Project project = Parse("""
            { "formatVersion": 1,
              "databases": {
                "graph": { "base": "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db", "mountpoint": "db/graph", "mode": "persistent" },
                "scratch": { "base": "../fixtures/small", "mountpoint": "./db/scratch/", "mode": "ephemeral" },
                "release": { "base": "release-1", "mountpoint": "db/release" } } }
            """);

        Assert.Equal(["graph", "scratch", "release"], project.Databases.Select(d => d.Name));
        DesiredDatabase graph = project.Databases[0];
        Assert.Equal("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-movies-db", graph.BasePath);
        Assert.Equal(Root + "/db/graph", graph.Mountpoint);
        Assert.Equal(DatabaseMode.Persistent, graph.Mode);
        DesiredDatabase scratch = project.Databases[1];
        Assert.Equal("/home/ana/fixtures/small", scratch.BasePath);
        Assert.Equal(Root + "/db/scratch", scratch.Mountpoint);
        Assert.True(scratch.Ephemeral);
        DesiredDatabase release = project.Databases[2];
        Assert.Null(release.BasePath);
        Assert.Equal("release-1", release.MountArgument);
        Assert.Equal(DatabaseMode.Persistent, release.Mode);
    }

    [Theory]
    [InlineData("""{ "databases": {} }""", "formatVersion is missing")]
    [InlineData("""{ "formatVersion": 2, "databases": {} }""", "formatVersion 2")]
    [InlineData("""{ "formatVersion": 1 }""", "\"databases\" must be an object")]
    [InlineData("""{ "formatVersion": 1, "databases": {}, "extra": 1 }""", "unknown field extra")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "m", "size": 1 } } }""", "unknown field databases.a.size")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "mountpoint": "m" } } }""", "databases.a.base is missing")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x" } } }""", "databases.a.mountpoint is missing")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "m", "mode": "forever" } } }""", "\"persistent\" or \"ephemeral\", not \"forever\"")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "/abs" } } }""", "must be relative to the project")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "../outside" } } }""", "leaves the project directory")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "." } } }""", "leaves the project directory")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a.b": { "base": "/x", "mountpoint": "m" } } }""", "database name 'a.b'")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "db" }, "b": { "base": "/y", "mountpoint": "db/b" } } }""", "databases a and b overlap")]
    [InlineData("""{ "formatVersion": 1, "databases": { "a": { "base": "/x", "mountpoint": "db" }, "b": { "base": "/y", "mountpoint": "db/" } } }""", "databases a and b overlap")]
    [InlineData("""[ 1 ]""", "expected a JSON object")]
    [InlineData("""{ "formatVersion": 1, """, "is not valid JSON")]
    public void Parse_RejectsInvalidFilesNamingTheProblem(string json, string expected)
    {
        ProjectFileException error = Assert.Throws<ProjectFileException>(() => Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(Root + "/cowstore.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutAFile_SaysWhereItLooked()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cowstore-unit", $"no-project-{Guid.NewGuid():N}");
        ProjectFileException error = Assert.Throws<ProjectFileException>(() => Project.Load(missing, p => p));
        Assert.Contains($"no cowstore.json in {missing}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SessionNames_AreStablePerProjectAndDatabase_AndDistinctBetweenProjects()
    {
        string a = ProjectSessionNames.For("/home/ana/movies", "graph");
        Assert.Equal(a, ProjectSessionNames.For("/home/ana/movies", "graph"));
        Assert.NotEqual(a, ProjectSessionNames.For("/home/ana/movies2", "graph"));
        Assert.NotEqual(a, ProjectSessionNames.For("/home/ana/movies", "graph2"));
        Assert.Matches("^graph\\.[a-z2-7]{12}$", a);
        Assert.True(CowStore.Store.Sessions.SessionNames.IsValid(ProjectSessionNames.For("/p", new string('d', ProjectSessionNames.MaxDatabaseNameLength))));

        Assert.Equal("graph", ProjectSessionNames.DatabaseOf(a, "/home/ana/movies"));
        Assert.Null(ProjectSessionNames.DatabaseOf(a, "/home/ana/movies2"));
        Assert.Null(ProjectSessionNames.DatabaseOf("graph-k3j9qa", "/home/ana/movies"));
    }
}
