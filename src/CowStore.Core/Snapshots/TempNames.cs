using System.Globalization;

namespace CowStore.Core.Snapshots;

/// <summary>
/// Names of work files in the store's <c>tmp/</c>: <c>&lt;kind&gt;-&lt;pid&gt;-&lt;guid&gt;[.ext]</c>. The pid lets gc tell a
/// leftover of a dead process (garbage) from the work of a running commit (kept).
/// </summary>
internal static class TempNames
{
    public static string New(string kind) => $"{kind}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";

    /// <summary>The pid a temp name was made by, or null for a name not made by <see cref="New"/>.</summary>
    public static int? OwnerPid(string name)
    {
        string[] parts = Path.GetFileName(name).Split('-');
        return parts.Length >= 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }
}
