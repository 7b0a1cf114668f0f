using CowStore.Store.Sessions;
using Xunit;

namespace CowStore.UnitTests.Cli;

public sealed class SessionNamesTests
{
    [Fact]
    public void Generate_DropsTheNixHashAndAddsSixBase32Chars()
    {
        string name = SessionNames.Generate("/nix/store/0c7xk2z3yh9a9w6m4qv1n8r5s2l3b7dq-neo4j-data");
        Assert.Matches("^neo4j-data-[a-z2-7]{6}$", name);
        Assert.True(SessionNames.IsValid(name));
    }

    [Fact]
    public void Generate_SanitisesAndShortensOddNames()
    {
        string name = SessionNames.Generate("/data/.my db with spaces and a very long name that goes on and on/");
        Assert.True(SessionNames.IsValid(name), name);
        Assert.DoesNotContain(' ', name);
        Assert.True(name.Length <= SessionNames.MaxLength);
    }

    [Fact]
    public void Generate_GivesDifferentNamesEachTime()
    {
        var names = Enumerable.Range(0, 50).Select(_ => SessionNames.Generate("/base")).ToHashSet();
        Assert.True(names.Count > 45);
    }

    [Theory]
    [InlineData("db", true)]
    [InlineData("neo4j_data-1.2", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("-flag", false)]
    [InlineData("../escape", false)]
    [InlineData("a/b", false)]
    [InlineData("with space", false)]
    [InlineData("comma,option", false)]
    public void IsValid_AcceptsOnlyDirectoryAndMountOptionSafeNames(string name, bool valid) =>
        Assert.Equal(valid, SessionNames.IsValid(name));

    [Fact]
    public void IsValid_RejectsNamesLongerThan64() =>
        Assert.False(SessionNames.IsValid(new string('a', 65)));
}
