using System.Runtime.InteropServices;

namespace CowStore.Cli.Projects;

/// <summary>Symlink-free paths, so a project's paths compare equal to what <c>cowstore mount</c> records.</summary>
internal static class CanonicalPath
{
    /// <summary>realpath(3) of <paramref name="path"/>; a path that does not exist (yet) is returned unchanged.</summary>
    public static string Resolve(string path)
    {
        nint resolved = Libc.RealPath(path, 0);
        if (resolved == 0)
        {
            return path;
        }
        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Libc.Free(resolved);
        }
    }
}
