namespace CowStore.IntegrationTests.Infrastructure;

/// <summary>Fresh scratch directories under the temp dir (/tmp unless TMPDIR says otherwise),
/// named after their test so a leftover tells whose it is.</summary>
internal static class TestDirectory
{
    public static string Create(string name)
    {
        string root = Path.Combine(Path.GetTempPath(), "cowstore-it");
        Directory.CreateDirectory(root);
        string path = Path.Combine(root, $"{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a tree, first making everything writable (tests chmod things read-only).</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                return;
            }
            foreach (string dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories))
            {
                if ((File.GetAttributes(dir) & FileAttributes.ReparsePoint) == 0)
                {
                    _ = Interop.Libc.Chmod(dir, 0x1ED);
                }
            }
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftovers in the temp dir are harmless and named after their test.
        }
    }
}
