using System.Runtime.InteropServices;

namespace CowStore.Core.Loopback;

/// <summary>
/// A page-aligned scratch buffer per thread for O_DIRECT fds whose request payload is not aligned
/// in the transport buffer. Reader threads are long-lived, so each keeps its buffer for its lifetime.
/// </summary>
internal static unsafe class AlignedBounceBuffer
{
    private const int Alignment = 4096;

    [ThreadStatic]
    private static byte* t_buffer;

    [ThreadStatic]
    private static int t_size;

    public static Span<byte> Get(int length)
    {
        if (t_size < length)
        {
            if (t_buffer != null)
            {
                NativeMemory.AlignedFree(t_buffer);
            }
            int size = (length + Alignment - 1) & ~(Alignment - 1);
            t_buffer = (byte*)NativeMemory.AlignedAlloc((nuint)size, Alignment);
            t_size = size;
        }
        return new Span<byte>(t_buffer, length);
    }
}
