namespace CowStore.Core.Cow;

// TEMPORARY debugging aid (cowfix); to be deleted.
internal static class CowTraceTemp
{
    private static readonly Lock Gate = new();

    public static void Log(string line)
    {
        lock (Gate)
        {
            File.AppendAllText("/tmp/cowfix-trace.log", line + "\n");
        }
    }
}
