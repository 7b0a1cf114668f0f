using CowStore.Core.Cow.Blocks;
using Xunit;

namespace CowStore.UnitTests.Cow.Blocks;

/// <summary>The expected content of a file as a plain byte list, with the same operations as <see cref="BlockFile"/>.</summary>
internal sealed class BlockFileReference
{
    private readonly List<byte> _bytes;

    public BlockFileReference(ReadOnlySpan<byte> initial) => _bytes = [.. initial];

    public long Size => _bytes.Count;

    public byte this[long index] => _bytes[(int)index];

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        Grow(offset + data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            _bytes[(int)offset + i] = data[i];
        }
    }

    public void Truncate(long size)
    {
        if (size < _bytes.Count)
        {
            _bytes.RemoveRange((int)size, _bytes.Count - (int)size);
        }
        Grow(size);
    }

    public void Zero(long offset, long end)
    {
        for (long i = offset; i < Math.Min(end, Size); i++)
        {
            _bytes[(int)i] = 0;
        }
    }

    public void Grow(long size)
    {
        while (_bytes.Count < size)
        {
            _bytes.Add(0);
        }
    }

    public bool IsZero(long offset, long end)
    {
        for (long i = offset; i < end; i++)
        {
            if (_bytes[(int)i] != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads the whole file through <see cref="BlockFile.Read"/> in odd-sized chunks and compares.</summary>
    public void AssertMatches(BlockFile file, string context)
    {
        Assert.True(Size == file.Size, $"{context}: size {file.Size}, expected {Size}");
        const int chunk = 12_345;
        byte[] actual = new byte[Size + chunk];
        for (long offset = 0; offset < Size; offset += chunk)
        {
            int got = file.Read(offset, actual.AsSpan((int)offset, chunk));
            Assert.True(got == Math.Min(chunk, Size - offset), $"{context}: read at {offset} returned {got}");
        }
        Assert.Equal(0, file.Read(Size, actual.AsSpan(0, 10)));
        for (int i = 0; i < Size; i++)
        {
            if (actual[i] != _bytes[i])
            {
                Assert.Fail($"{context}: byte {i} is {actual[i]}, expected {_bytes[i]} (size {Size})");
            }
        }
    }
}
