namespace CowStore.Core.Snapshots;

/// <summary>realpath(3) in managed code: an absolute path without ".", ".." or symbolic links.</summary>
internal static class RealPath
{
    private const int MaxLinks = 40; // Linux's MAXSYMLINKS

    /// <exception cref="DirectoryNotFoundException">A component does not exist.</exception>
    /// <exception cref="IOException">Too many levels of symbolic links.</exception>
    public static string Resolve(string path)
    {
        var resolved = new List<string>();
        var pending = new Stack<string>();
        Push(pending, Path.GetFullPath(path));
        int links = 0;
        while (pending.Count > 0)
        {
            string component = pending.Pop();
            if (component is "" or ".")
            {
                continue;
            }
            if (component == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            string candidate = "/" + string.Join('/', resolved.Append(component));
            var info = new FileInfo(candidate);
            string? target = info.LinkTarget;
            if (target is null)
            {
                if (!info.Exists && !Directory.Exists(candidate))
                {
                    throw new DirectoryNotFoundException($"{candidate}: no such file or directory");
                }
                resolved.Add(component);
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"{path}: too many levels of symbolic links");
            }
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }
            Push(pending, target);
        }
        return "/" + string.Join('/', resolved);
    }

    private static void Push(Stack<string> pending, string path)
    {
        string[] components = path.Split('/');
        for (int i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }
}
