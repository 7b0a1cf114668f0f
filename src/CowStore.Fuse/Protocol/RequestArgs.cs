using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CowStore.Fuse.Protocol;

/// <summary>Zero-copy views over a request's arguments (after <c>fuse_in_header</c>) and a reply's body.</summary>
internal static class RequestArgs
{
    /// <summary>The fixed in-struct at the start of <paramref name="args"/>.</summary>
    public static ref readonly T In<T>(ReadOnlySpan<byte> args)
        where T : unmanaged
    {
        if (args.Length < Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException($"request too short for {typeof(T).Name}: {args.Length} bytes");
        }
        return ref MemoryMarshal.AsRef<T>(args);
    }

    /// <summary>The bytes after the fixed in-struct <typeparamref name="T"/>.</summary>
    public static ReadOnlySpan<byte> After<T>(ReadOnlySpan<byte> args)
        where T : unmanaged => args[Unsafe.SizeOf<T>()..];

    /// <summary>Splits off one NUL-terminated name; <paramref name="rest"/> is what follows the NUL.</summary>
    public static ReadOnlySpan<byte> Name(ReadOnlySpan<byte> args, out ReadOnlySpan<byte> rest)
    {
        int end = args.IndexOf((byte)0);
        if (end < 0)
        {
            rest = default;
            return args;
        }
        rest = args[(end + 1)..];
        return args[..end];
    }

    /// <summary>A zeroed out-struct at the start of the reply body.</summary>
    public static ref T Out<T>(Span<byte> body)
        where T : unmanaged
    {
        ref T value = ref MemoryMarshal.AsRef<T>(body[..Unsafe.SizeOf<T>()]);
        value = default;
        return ref value;
    }
}
