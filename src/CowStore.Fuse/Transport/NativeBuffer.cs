using System.Runtime.InteropServices;

namespace CowStore.Fuse.Transport;

/// <summary>A page-aligned native buffer owned by one reader thread.</summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private const int PageSize = 4096;

    public NativeBuffer(int size)
    {
        Length = (size + PageSize - 1) & ~(PageSize - 1);
        Pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Length, PageSize);
    }

    public byte* Pointer { get; private set; }

    public int Length { get; }

    public Span<byte> Span => new(Pointer, Length);

    public void Dispose()
    {
        if (Pointer != null)
        {
            NativeMemory.AlignedFree(Pointer);
            Pointer = null;
        }
    }
}
