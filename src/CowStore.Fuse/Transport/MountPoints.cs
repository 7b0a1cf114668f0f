using System.Globalization;
using System.Text;

namespace CowStore.Fuse.Transport;

/// <summary>Checks and lookups on the mountpoint path.</summary>
internal static class MountPoints
{
    /// <summary>Throws <see cref="FuseMountException"/> unless <paramref name="path"/> is a directory we can mount on.</summary>
    public static void Validate(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (FileNotFoundException)
        {
            throw new FuseMountException($"mountpoint {path} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new FuseMountException($"mountpoint {path} does not exist");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // e.g. a stale FUSE mount: "Transport endpoint is not connected".
            throw new FuseMountException($"mountpoint {path} is not accessible: {exception.Message}", exception);
        }
        if ((attributes & FileAttributes.Directory) == 0)
        {
            throw new FuseMountException($"mountpoint {path} is not a directory");
        }
        if (FindMount(path) is not null)
        {
            throw new FuseMountException($"mountpoint {path} is already a mount point");
        }
    }

    /// <summary>
    /// The <c>major:minor</c> device of the mount at <paramref name="path"/> from /proc/self/mountinfo (the
    /// last one, i.e. the top of the stack), or null. The minor names the fusectl connection directory.
    /// </summary>
    public static (int Major, int Minor)? FindMount(string path)
    {
        (int, int)? found = null;
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options ...
            string[] fields = line.Split(' ');
            if (fields.Length < 5 || Unescape(fields[4]) != path)
            {
                continue;
            }
            string[] device = fields[2].Split(':');
            found = (int.Parse(device[0], CultureInfo.InvariantCulture), int.Parse(device[1], CultureInfo.InvariantCulture));
        }
        return found;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var bytes = new List<byte>();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
