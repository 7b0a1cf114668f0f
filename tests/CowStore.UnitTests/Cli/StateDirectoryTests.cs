using CowStore.Store.Catalog;
using Xunit;

namespace CowStore.UnitTests.Cli;

public sealed class StateDirectoryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void CowstoreHome_WinsOverXdgAndHome() =>
        Assert.Equal("/srv/cow", StateDirectory.Resolve(Env(("COWSTORE_HOME", "/srv/cow"), ("XDG_DATA_HOME", "/x"), ("HOME", "/home/u"))));

    [Fact]
    public void XdgDataHome_IsUsedWhenAbsolute() =>
        Assert.Equal("/x/data/cowstore", StateDirectory.Resolve(Env(("XDG_DATA_HOME", "/x/data"), ("HOME", "/home/u"))));

    [Fact]
    public void RelativeXdgDataHome_IsIgnoredAsTheSpecSays() =>
        Assert.Equal("/home/u/.local/share/cowstore", StateDirectory.Resolve(Env(("XDG_DATA_HOME", "rel/data"), ("HOME", "/home/u"))));

    [Fact]
    public void Home_IsTheFallback() =>
        Assert.Equal("/home/u/.local/share/cowstore", StateDirectory.Resolve(Env(("HOME", "/home/u"))));

    [Fact]
    public void Layout_PutsEachSessionInItsOwnDirectory()
    {
        var state = new StateDirectory("/srv/cow");
        Assert.Equal("/srv/cow/sessions/db-abc123/session.json", state.SessionFile("db-abc123"));
        Assert.Equal("/srv/cow/sessions/db-abc123/delta", state.PersistentDeltaDirectory("db-abc123"));
        Assert.Equal("/srv/cow/sessions/db-abc123/daemon.log", state.DaemonLog("db-abc123"));
    }
}
