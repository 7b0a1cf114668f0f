namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>Reads this process's view of the mount table, /proc/self/mountinfo.</summary>
public static class MountInfo
{
    /// <summary>Whether <paramref name="path"/> is a mount point right now.</summary>
    public static bool IsMounted(string path) => MountPoints().Contains(path);

    /// <summary>Every mount point (field 5), octal escapes (<c>\040</c> for a space ...) decoded.</summary>
    public static IEnumerable<string> MountPoints() =>
        File.ReadLines("/proc/self/mountinfo").Select(line => Unescape(line.Split(' ')[4]));

    /// <summary>The kernel writes space, tab, newline and backslash in mountinfo fields as <c>\ooo</c>.</summary>
    public static string Unescape(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
