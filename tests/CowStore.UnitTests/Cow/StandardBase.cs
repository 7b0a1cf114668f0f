using System.Text;
using CowStore.Core.Posix;
using Xunit;

namespace CowStore.UnitTests.Cow;

/// <summary>The base tree most tests start from.</summary>
internal static unsafe class StandardBase
{
    public const string BaseText = "hello base";
    public const int BigSize = (3 * 4096) + 100;

    public static byte[] BigContent()
    {
        byte[] content = new byte[BigSize];
        for (int i = 0; i < content.Length; i++)
        {
            content[i] = (byte)(i * 7);
        }
        return content;
    }

    public static void Build(string root)
    {
        File.WriteAllText(Path.Combine(root, "a.txt"), BaseText);
        File.WriteAllBytes(Path.Combine(root, "big.bin"), BigContent());
        Directory.CreateDirectory(Path.Combine(root, "db", "sub"));
        File.WriteAllText(Path.Combine(root, "db", "one"), "one");
        File.WriteAllText(Path.Combine(root, "db", "two"), "two");
        File.WriteAllText(Path.Combine(root, "db", "sub", "three"), "three");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, ".hidden"), "dot");
        File.CreateSymbolicLink(Path.Combine(root, "link"), "a.txt");
        SetXattr(Path.Combine(root, "a.txt"), "user.origin", "base");
    }

    private static void SetXattr(string path, string name, string value)
    {
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        byte[] n = Encoding.UTF8.GetBytes(name + "\0");
        byte[] v = Encoding.UTF8.GetBytes(value);
        fixed (byte* pp = p)
        fixed (byte* pn = n)
        fixed (byte* pv = v)
        {
            Assert.Equal(0, Libc.SetXattr(pp, pn, pv, (nuint)v.Length, 0));
        }
    }
}
